import { createContext, useContext, type ReactNode } from 'react'
import type { EngineStatus } from '../../../shared/contract'
import { useSubscription } from './hooks'

const EngineStatusContext = createContext<EngineStatus | undefined>(undefined)

/** One live subscription to the engine's status, shared by the sidebar and the panels. */
export function EngineStatusProvider({ children }: { children: ReactNode }) {
  const { data } = useSubscription('engine:changed', {})
  return <EngineStatusContext.Provider value={data}>{children}</EngineStatusContext.Provider>
}

export const useEngineStatus = (): EngineStatus | undefined => useContext(EngineStatusContext)
