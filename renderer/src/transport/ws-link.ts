/** What the browser-mode bridge needs of its socket, wherever the socket lives. */
export interface SocketLink {
  /** Sends a frame's text; false while not connected. */
  send(text: string): boolean
  isOpen(): boolean
}

export interface LinkEvents {
  open(): void
  /** A frame's text, not parsed. */
  frame(text: string): void
  close(): void
}

const RECONNECT_DELAYS_MS = [250, 500, 1_000, 2_000, 5_000]

/** A WebSocket in this thread that reconnects with backoff after each close. */
export function openSocket(url: string, events: LinkEvents): SocketLink {
  let socket: WebSocket | undefined
  let attempt = 0
  const connect = (): void => {
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => {
      attempt = 0
      events.open()
    }
    ws.onmessage = (event: MessageEvent<string>) => events.frame(event.data)
    ws.onclose = () => {
      events.close()
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt++, RECONNECT_DELAYS_MS.length - 1)]
      setTimeout(connect, delay)
    }
  }
  connect()
  const isOpen = (): boolean => socket?.readyState === WebSocket.OPEN
  return {
    isOpen,
    send(text) {
      if (!isOpen()) return false
      socket!.send(text)
      return true
    },
  }
}

/** Messages between the bridge and the socket's worker. */
export type ToWorker = { kind: 'connect'; url: string } | { kind: 'send'; text: string }
export type FromWorker = { kind: 'open' } | { kind: 'close' } | { kind: 'frame'; text: string }

/**
 * The socket in a worker: the browser's work of receiving frames (and a debugger's copy of each)
 * is done off the page's main thread, which gets each frame's text to parse.
 */
export function openWorkerSocket(url: string, events: LinkEvents, worker: Worker): SocketLink {
  let open = false
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const message = event.data
    if (message.kind === 'frame') events.frame(message.text)
    else if (message.kind === 'open') {
      open = true
      events.open()
    } else {
      open = false
      events.close()
    }
  }
  const post = (message: ToWorker): void => worker.postMessage(message)
  post({ kind: 'connect', url })
  return {
    isOpen: () => open,
    send(text) {
      if (!open) return false
      post({ kind: 'send', text })
      return true
    },
  }
}

/** The worker's side: one socket, opened on `connect`, its events posted back. */
export function serveSocketWorker(scope: {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null
  postMessage(message: FromWorker): void
}): void {
  let link: SocketLink | undefined
  scope.onmessage = (event) => {
    const message = event.data
    if (message.kind === 'connect' && !link) {
      link = openSocket(message.url, {
        open: () => scope.postMessage({ kind: 'open' }),
        close: () => scope.postMessage({ kind: 'close' }),
        frame: (text) => scope.postMessage({ kind: 'frame', text }),
      })
    } else if (message.kind === 'send') link?.send(message.text)
  }
}
