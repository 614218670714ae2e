import { MaildockError, type StackChange, type StackOperationKind } from '../../../shared/contract'

const count = (list: readonly string[], what: string): string =>
  list.length === 0 ? '' : `${what} ${list.length}`

/** "created 6, removed 1; built 3 images" or "nothing to change". */
export function summarize(kind: StackOperationKind, change: StackChange): string {
  const parts = [
    count(change.created, 'created'),
    count(change.recreated, 're-created'),
    count(change.started, kind === 'restart' ? 'restarted' : 'started'),
    count(change.stopped, 'stopped'),
    count(change.removed, 'removed'),
  ].filter(Boolean)
  const images = [count(change.builtImages, 'built'), count(change.pulledImages, 'pulled')].filter(
    Boolean,
  )
  if (parts.length === 0 && images.length === 0) {
    return kind === 'down' ? 'nothing to remove' : 'nothing to change: every service is up'
  }
  const containers = parts.length > 0 ? `${parts.join(', ')}` : 'no container changed'
  return images.length > 0 ? `${containers}; ${images.join(', ')} image(s)` : containers
}

/** `k=v,k2=v2` -> labels (MAILDOCK_STACK_LABELS). */
export function parseLabels(raw: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const part of (raw ?? '').split(',')) {
    const item = part.trim()
    if (item === '') continue
    const eq = item.indexOf('=')
    const key = (eq < 0 ? item : item.slice(0, eq)).trim()
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key)) {
      throw new MaildockError(
        'INVALID_INPUT',
        `MAILDOCK_STACK_LABELS: "${key}" is not a label name`,
      )
    }
    labels[key] = eq < 0 ? '' : item.slice(eq + 1).trim()
  }
  return labels
}
