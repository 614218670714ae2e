import type { Envelope, ErrorPayload, RawBridge, StreamMessage } from '../../../shared/contract'
import { openSocket, openWorkerSocket, type LinkEvents, type SocketLink } from './ws-link'

type ServerFrame =
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorPayload }
  | { type: 'event'; id: number; data: unknown }
  | { type: 'error'; id: number | null; error: ErrorPayload }
  | { type: 'end'; id: number }

interface Subscription {
  event: string
  input: unknown
  onMessage: (message: StreamMessage) => void
}

type Pending = Map<number, (envelope: Envelope<unknown>) => void>

/** Hands a frame from the server to the call or the subscription it answers. */
function deliver(frame: ServerFrame, pending: Pending, subscriptions: Map<number, Subscription>) {
  if (frame.type === 'result') {
    pending.get(frame.id)?.(
      frame.ok ? { ok: true, result: frame.result } : { ok: false, error: frame.error },
    )
    pending.delete(frame.id)
    return
  }
  if (frame.id === null) return
  const sub = subscriptions.get(frame.id)
  if (!sub) return
  if (frame.type === 'event') sub.onMessage({ type: 'data', data: frame.data })
  else {
    subscriptions.delete(frame.id)
    sub.onMessage(frame.type === 'error' ? { type: 'error', error: frame.error } : { type: 'end' })
  }
}

/** Resolves once the current socket is open; rejects after 10 s without one. */
const whenOpen = (socket: SocketLink): Promise<void> =>
  new Promise((resolve, reject) => {
    if (socket.isOpen()) return resolve()
    const started = Date.now()
    const poll = setInterval(() => {
      if (socket.isOpen()) {
        clearInterval(poll)
        resolve()
      } else if (Date.now() - started > 10_000) {
        clearInterval(poll)
        reject(new Error('not connected'))
      }
    }, 50)
  })

/** The socket in a worker where the page can start one, else in this thread (tests, old engines). */
function defaultLink(url: string, events: LinkEvents): SocketLink {
  if (typeof Worker === 'undefined') return openSocket(url, events)
  const worker = new Worker(new URL('./ws-worker.ts', import.meta.url), { type: 'module' })
  return openWorkerSocket(url, events, worker)
}

/**
 * Browser mode transport: the contract over one WebSocket. Reconnects with backoff and
 * re-subscribes live streams; calls made while disconnected fail with UNAVAILABLE.
 */
export function createWebSocketBridge(url: string, link = defaultLink): RawBridge {
  let nextId = 0
  const pending: Pending = new Map()
  const subscriptions = new Map<number, Subscription>()

  const unavailable = (message: string): Envelope<never> => ({
    ok: false,
    error: { code: 'UNAVAILABLE', message },
  })
  const socket: SocketLink = link(url, {
    open() {
      for (const [id, sub] of subscriptions)
        send({ type: 'subscribe', id, event: sub.event, input: sub.input })
    },
    frame: (text) => deliver(JSON.parse(text) as ServerFrame, pending, subscriptions),
    close() {
      for (const resolve of pending.values())
        resolve(unavailable('Lost the connection to the MailDock server'))
      pending.clear()
    },
  })
  const send = (frame: object): boolean => socket.send(JSON.stringify(frame))

  return {
    async call(channel, input) {
      try {
        await whenOpen(socket)
      } catch {
        return unavailable(
          'The MailDock server is not reachable: is `npm run serve` still running?',
        )
      }
      const id = ++nextId
      return new Promise((resolve) => {
        pending.set(id, resolve)
        if (!send({ type: 'call', id, channel, input })) {
          pending.delete(id)
          resolve(unavailable('Lost the connection to the MailDock server'))
        }
      })
    },
    subscribe(event, input, onMessage) {
      const id = ++nextId
      subscriptions.set(id, { event, input, onMessage })
      send({ type: 'subscribe', id, event, input })
      return () => {
        if (subscriptions.delete(id)) send({ type: 'unsubscribe', id })
      }
    },
  }
}

const TOKEN_KEY = 'maildock.token'

/**
 * Browser mode's token lives in this tab's session storage, never in a cookie (cookies are not
 * scoped by port: every local server would get it). The printed URL carries it in the fragment
 * (#token=, or ?token=); it is moved to session storage and taken out of the address bar.
 * Session storage belongs to one origin, port included, so two servers keep separate sessions.
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token')
  const fromQuery = new URLSearchParams(location.search).get('token')
  const given = fromHash ?? fromQuery
  if (given) {
    storage.setItem(TOKEN_KEY, given)
    history.replaceState(null, '', location.pathname)
  }
  return storage.getItem(TOKEN_KEY)
}

/** The token taken at start-up (takeToken), for the URLs the server checks it on. */
export const sessionToken = (storage: Storage): string | null => storage.getItem(TOKEN_KEY)

/** The WebSocket URL for the page this renderer was served from, with the session's token. */
export function browserModeSocketUrl(location: Location, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`
}
