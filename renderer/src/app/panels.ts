export const panels = [
  { id: 'engine', label: 'Engine' },
  { id: 'stack', label: 'Stack' },
  { id: 'containers', label: 'Containers' },
  { id: 'images', label: 'Images' },
  { id: 'networks', label: 'Networks' },
  { id: 'volumes', label: 'Volumes' },
  { id: 'send', label: 'Send' },
  { id: 'emails', label: 'Emails' },
  { id: 'mailbox', label: 'Mailbox' },
  { id: 'broker', label: 'Broker' },
  { id: 'tail', label: 'Tail' },
  { id: 'logs', label: 'Logs' },
  { id: 'settings', label: 'Settings' },
] as const

export type PanelId = (typeof panels)[number]['id']

export function panelFromHash(hash: string): PanelId {
  const id = hash.replace(/^#\/?/, '').split('?')[0]
  return panels.find((p) => p.id === id)?.id ?? 'engine'
}
