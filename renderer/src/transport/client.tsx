import { createContext, useContext, type ReactNode } from 'react'
import { createClient, type MaildockClient, type RawBridge } from '../../../shared/contract'
import { browserModeSocketUrl, createWebSocketBridge, takeToken } from './ws-bridge'

declare global {
  interface Window {
    maildock?: RawBridge
  }
}

/** Electron's preload bridge when there is one, else browser mode's WebSocket. */
export function connectClient(): MaildockClient {
  if (window.maildock) return createClient(window.maildock)
  const token = takeToken(window.location, window.sessionStorage, window.history)
  return createClient(createWebSocketBridge(browserModeSocketUrl(window.location, token)))
}

const ClientContext = createContext<MaildockClient | null>(null)

export function ClientProvider({
  client,
  children,
}: {
  client: MaildockClient
  children: ReactNode
}) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>
}

export function useClient(): MaildockClient {
  const client = useContext(ClientContext)
  if (!client) throw new Error('useClient outside ClientProvider')
  return client
}
