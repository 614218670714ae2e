import type { ContainerAction, ContainerState, ContainerSummary } from '../../../../shared/contract'

export interface ContainerQuery {
  /** Free words: each must appear in the name, image, id or group. */
  words: string[]
  name: string[]
  image: string[]
  /** `key` or `key=value`. */
  label: string[]
  /** A state (running, exited…) or a health (healthy, unhealthy, starting). */
  status: string[]
}

const FIELDS = ['name', 'image', 'label', 'status', 'state', 'is'] as const

/** `web image:nginx label:com.docker.compose.project=mail status:running` */
export function parseQuery(text: string): ContainerQuery {
  const query: ContainerQuery = { words: [], name: [], image: [], label: [], status: [] }
  for (const token of text.trim().toLowerCase().split(/\s+/)) {
    if (!token) continue
    const at = token.indexOf(':')
    const field = at > 0 ? token.slice(0, at) : ''
    const value = token.slice(at + 1)
    if (!(FIELDS as readonly string[]).includes(field) || !value) query.words.push(token)
    else if (field === 'name') query.name.push(value)
    else if (field === 'image') query.image.push(value)
    else if (field === 'label') query.label.push(value)
    else query.status.push(value)
  }
  return query
}

function hasLabel(labels: Record<string, string>, wanted: string): boolean {
  const at = wanted.indexOf('=')
  const key = at === -1 ? wanted : wanted.slice(0, at)
  const value = at === -1 ? undefined : wanted.slice(at + 1)
  return Object.entries(labels).some(
    ([k, v]) => k.toLowerCase() === key && (value === undefined || v.toLowerCase() === value),
  )
}

export function matchesQuery(container: ContainerSummary, query: ContainerQuery): boolean {
  const name = container.name.toLowerCase()
  const image = container.image.toLowerCase()
  const haystack = `${name} ${image} ${container.id.slice(0, 12)} ${container.group?.name.toLowerCase() ?? ''}`
  return (
    query.words.every((w) => haystack.includes(w)) &&
    query.name.every((n) => name.includes(n)) &&
    query.image.every((i) => image.includes(i)) &&
    query.label.every((l) => hasLabel(container.labels, l)) &&
    query.status.every((s) => container.state === s || container.health === s)
  )
}

const STOPPED: ReadonlySet<ContainerState> = new Set(['created', 'exited', 'dead'])

/** What `docker ps` without `-a` shows: running, paused and restarting ones. */
export const isUp = (state: ContainerState): boolean => !STOPPED.has(state)

export function filterContainers(
  containers: ContainerSummary[],
  text: string,
  scope: 'running' | 'all',
): ContainerSummary[] {
  const query = parseQuery(text)
  return containers.filter((c) => (scope === 'all' || isUp(c.state)) && matchesQuery(c, query))
}

export interface ContainerSection {
  key: string
  kind: 'compose' | 'stack' | 'none'
  name: string
  rows: ContainerSummary[]
}

/** Compose projects and MailDock stacks first (by name), then everything else. */
export function groupContainers(containers: ContainerSummary[]): ContainerSection[] {
  const sections = new Map<string, ContainerSection>()
  const other: ContainerSection = { key: 'none', kind: 'none', name: 'Other containers', rows: [] }
  for (const container of containers) {
    const group = container.group
    if (!group) {
      other.rows.push(container)
      continue
    }
    const key = `${group.kind}:${group.name}`
    const section = sections.get(key) ?? { key, kind: group.kind, name: group.name, rows: [] }
    section.rows.push(container)
    sections.set(key, section)
  }
  const grouped = [...sections.values()].sort((a, b) => a.name.localeCompare(b.name))
  return other.rows.length ? [...grouped, other] : grouped
}

const STATE_ORDER: Record<ContainerState, number> = {
  running: 0,
  restarting: 1,
  paused: 2,
  created: 3,
  removing: 4,
  exited: 5,
  dead: 6,
}

export const compareContainers = {
  name: (a: ContainerSummary, b: ContainerSummary) => a.name.localeCompare(b.name),
  image: (a: ContainerSummary, b: ContainerSummary) => a.image.localeCompare(b.image),
  state: (a: ContainerSummary, b: ContainerSummary) =>
    STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.name.localeCompare(b.name),
  health: (a: ContainerSummary, b: ContainerSummary) => a.health.localeCompare(b.health),
  created: (a: ContainerSummary, b: ContainerSummary) => a.created - b.created,
  ports: (a: ContainerSummary, b: ContainerSummary) =>
    (a.ports[0]?.hostPort ?? a.ports[0]?.containerPort ?? 1e6) -
    (b.ports[0]?.hostPort ?? b.ports[0]?.containerPort ?? 1e6),
}

/** The actions that make sense in a state, in menu order. */
export function actionsFor(state: ContainerState): ContainerAction[] {
  switch (state) {
    case 'running':
      return ['stop', 'restart', 'pause', 'kill', 'remove']
    case 'paused':
      return ['unpause', 'stop', 'kill', 'remove']
    case 'restarting':
      return ['stop', 'kill', 'remove']
    case 'removing':
      return []
    default:
      return ['start', 'remove']
  }
}
