// The DNS-rebinding guard of the stack's HTTP servers (the API and the catcher). A page that
// rebinds its own name to 127.0.0.1 still sends that name in the Host header, so the name is what
// is checked. The port is not: inside the container the server sees its own port (3000, 8025)
// while clients use the published one, which the engine may pick (port 0), and a rebinding page
// cannot make a browser send a loopback name with any port.

/** Names only a client on this machine (or in the service's own network) sends. */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]']

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[^:[\]\s]+)(?::(\d{1,5}))?$/

/** The host name of a Host header (lower case), or null when it is not `name[:port]`. */
export function hostNameOf(header: string): string | null {
  const match = HOST_HEADER.exec(header.trim().toLowerCase())
  return match === null ? null : (match[1] ?? null)
}

/** Splits "api, api.local" into names; loopback names are always allowed as well. */
export function allowedHostNames(extra: string | undefined): Set<string> {
  const names = (extra ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
  return new Set([...LOOPBACK_HOST_NAMES, ...names])
}

export function isAllowedHost(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (header === undefined) return false
  const name = hostNameOf(header)
  return name !== null && allowed.has(name)
}

/** The 421 answer's message. */
export function misdirectedMessage(header: string | undefined): string {
  const shown = JSON.stringify((header ?? '').slice(0, 100))
  return `Host ${shown} is not served here: use 127.0.0.1, localhost or [::1] (a guard against DNS rebinding)`
}
