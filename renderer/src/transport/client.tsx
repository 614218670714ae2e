import { createContext, useContext, type ReactNode } from 'react'
import {
  createClient,
  messageDocumentUrl,
  type MaildockClient,
  type MessageDocumentRequest,
  type RawBridge,
} from '../../../shared/contract'
import { browserModeSocketUrl, createWebSocketBridge, sessionToken, takeToken } from './ws-bridge'

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

/** Where a caught message's HTML document is served: the app's scheme, or browser mode's server. */
export function messageDocumentSrc(request: MessageDocumentRequest): string {
  if (window.maildock) return messageDocumentUrl(request)
  const token = sessionToken(window.sessionStorage) ?? ''
  return messageDocumentUrl(request, { origin: window.location.origin, token })
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
