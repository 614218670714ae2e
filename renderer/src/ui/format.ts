import type { PortMapping } from '../../../shared/contract'

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes < 1024) return `${Math.round(bytes)} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/** A list's count for its header: "12", or "3 of 12" while a filter hides some; none until loaded. */
export function shownOf(loaded: boolean, shown: number, total: number): string | undefined {
  if (!loaded) return undefined
  return shown === total ? `${total}` : `${shown} of ${total}`
}

export const formatRate = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`

/** `sha256:abc…` or a container id, as the docker CLI shows it: 12 hex digits. */
export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12)

/** "12 s ago", "5 min ago", "3 h ago", "4 days ago". */
export function formatAge(at: number, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000))
  if (seconds < 60) return `${seconds} s ago`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ago`
  const days = Math.floor(hours / 24)
  if (days < 60) return `${days} days ago`
  const months = Math.floor(days / 30)
  return months < 24 ? `${months} months ago` : `${Math.floor(days / 365)} years ago`
}

/** "850 ms", "4.2 s", "2 min 05 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.floor((ms % 60_000) / 1000)
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Local `10:00:00.123`: the time of day of a log line or an event. */
export function formatClock(at: number): string {
  const date = new Date(at)
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}

/** Local `2026-12-01 10:00:00.123`: a stored entry's full time. */
export function formatStamp(at: number): string {
  const date = new Date(at)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${formatClock(at)}`
}

/** A resource's creation or start time, in the user's locale; `—` when unknown. */
export const formatTime = (at: number | null): string =>
  at === null || at <= 0 ? '—' : new Date(at).toLocaleString()

/** `127.0.0.1:5001→5000/tcp`, or `5000/tcp` when not published. */
export function formatPort(port: PortMapping): string {
  const inside = `${port.containerPort}/${port.protocol}`
  if (port.hostPort === undefined) return inside
  const host = port.hostIp && port.hostIp !== '' ? port.hostIp : '0.0.0.0'
  const shown = host.includes(':') ? `[${host}]` : host
  return `${shown}:${port.hostPort}→${inside}`
}

/** `KEY=value` pairs, one a line or comma separated; blank lines are ignored. */
export function parseKeyValues(text: string): Record<string, string> {
  const pairs: Record<string, string> = {}
  for (const part of text.split(/[\n,]/)) {
    const trimmed = part.trim()
    if (!trimmed) continue
    const at = trimmed.indexOf('=')
    if (at === -1) pairs[trimmed] = ''
    else pairs[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim()
  }
  return pairs
}

/** A JSON object line, indented; null when the text is not one. */
export function prettyJson(text: string): string | null {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return null
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2)
  } catch {
    return null
  }
}
