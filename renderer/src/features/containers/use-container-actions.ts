import { useCallback, useState } from 'react'
import type { ContainerAction, MaildockClient } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { notifyError } from '../../ui/notify'

export interface ActionTarget {
  id: string
  name: string
}

export interface RemoveOptions {
  force?: boolean
  volumes?: boolean
}

export const actionLabels: Record<ContainerAction, string> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  pause: 'Pause',
  unpause: 'Unpause',
  kill: 'Kill',
  remove: 'Remove',
}

async function callOne(
  call: MaildockClient['call'],
  action: ContainerAction,
  id: string,
  options: RemoveOptions,
): Promise<unknown> {
  switch (action) {
    case 'start':
      return call('containers:start', { id })
    case 'stop':
      return call('containers:stop', { id })
    case 'restart':
      return call('containers:restart', { id })
    case 'pause':
      return call('containers:pause', { id })
    case 'unpause':
      return call('containers:unpause', { id })
    case 'kill':
      return call('containers:kill', { id })
    case 'remove':
      return call('containers:remove', {
        id,
        force: options.force ?? false,
        volumes: options.volumes ?? false,
      })
  }
}

/**
 * Runs container actions, one or many (containers:bulk), marks the targets busy meanwhile and turns
 * every failure into a toast with main's message. Resolves true when all succeeded; never rejects.
 */
export function useContainerActions(afterEach: () => void) {
  const { call } = useAction()
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set())

  const run = useCallback(
    async (
      action: ContainerAction,
      targets: ActionTarget[],
      options: RemoveOptions = {},
    ): Promise<boolean> => {
      if (targets.length === 0) return true
      const ids = targets.map((t) => t.id)
      setBusy((prev) => new Set([...prev, ...ids]))
      const verb = actionLabels[action].toLowerCase()
      try {
        if (targets.length === 1) {
          await callOne(call, action, targets[0]!.id, options)
          return true
        }
        const { results } = await call('containers:bulk', {
          ids,
          action,
          force: options.force ?? false,
          volumes: options.volumes ?? false,
        })
        const failed = results.filter((r) => !r.ok)
        if (failed.length > 0) {
          const nameOf = new Map(targets.map((t) => [t.id, t.name]))
          notifyError(
            `Could not ${verb} ${failed.length} of ${targets.length} containers`,
            new Error(
              failed
                .map(
                  (r) =>
                    `${nameOf.get(r.id) ?? r.id.slice(0, 12)}: ${r.error?.message ?? 'failed'}`,
                )
                .join('\n'),
            ),
          )
        }
        return failed.length === 0
      } catch (error) {
        const what = targets.length === 1 ? targets[0]!.name : `${targets.length} containers`
        notifyError(`Could not ${verb} ${what}`, error)
        return false
      } finally {
        setBusy((prev) => {
          const next = new Set(prev)
          for (const id of ids) next.delete(id)
          return next
        })
        afterEach()
      }
    },
    [call, afterEach],
  )

  return { run, busy }
}
