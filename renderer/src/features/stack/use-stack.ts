import { useCallback, useEffect, useRef, useState } from 'react'
import type {
  ErrorPayload,
  MaildockClient,
  StackOperation,
  StackResult,
  StackServiceName,
  StackStatus,
} from '../../../../shared/contract'
import { notifications } from '@mantine/notifications'
import { useAction, useStream, useSubscription } from '../../transport/hooks'
import { notifyDone, notifyError } from '../../ui/notify'
import { describeRequest, type StackRequest } from './stack-model'

/**
 * The stack's status, pushed by main on every change of its containers or of the engine (the
 * first push is the status read at subscription). `refresh` subscribes again (after a stream
 * error, or to read now); the last status stays on screen meanwhile.
 */
export function useStackStatus(): {
  status: StackStatus | undefined
  error: ErrorPayload | undefined
  refresh: () => void
  /** A status read elsewhere (an operation's result): shown when newer than the last push. */
  offer: (status: StackStatus) => void
} {
  const [generation, setGeneration] = useState(0)
  const [status, setStatus] = useState<StackStatus | undefined>(undefined)
  const [error, setError] = useState<ErrorPayload | undefined>(undefined)
  useStream(
    'stack:changed',
    {},
    {
      data: (next) => {
        setStatus(next)
        setError(undefined)
      },
      error: setError,
    },
    String(generation),
  )
  const refresh = useCallback(() => setGeneration((g) => g + 1), [])
  const offer = useCallback(
    (next: StackStatus) =>
      setStatus((current) => (current && current.checkedAt >= next.checkedAt ? current : next)),
    [],
  )
  return { status, error, refresh, offer }
}

/** The running (or last) operation, as `stack:progress` pushes it. */
export function useStackProgress(): StackOperation | undefined {
  return useSubscription('stack:progress', {}).data
}

function callFor(call: MaildockClient['call'], request: StackRequest): Promise<StackResult> {
  switch (request.kind) {
    case 'up':
      return call('stack:up', {})
    case 'down':
      return call('stack:down', { volumes: request.volumes })
    case 'restart':
      return call('stack:restart', { service: request.service })
    case 'start':
    case 'stop':
      return call('stack:service-action', {
        service: request.service,
        action: request.kind,
      })
    case 'scale':
      return call('stack:scale', { service: 'emailer', replicas: request.replicas })
  }
}

export interface StackActions {
  /** Runs a request; resolves with the result, or null when it failed (a toast says why). */
  run: (request: StackRequest) => Promise<StackResult | null>
  /** Requests sent from this window and not answered yet. */
  pending: StackRequest[]
  /** The last request sent from this window (for Retry). */
  lastRequest: StackRequest | null
  busyService: (service: StackServiceName) => boolean
}

export function useStackActions(onStatus?: (status: StackStatus) => void): StackActions {
  const { call } = useAction()
  const [pending, setPending] = useState<StackRequest[]>([])
  const [lastRequest, setLastRequest] = useState<StackRequest | null>(null)
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  const run = useCallback(
    async (request: StackRequest): Promise<StackResult | null> => {
      setPending((list) => [...list, request])
      setLastRequest(request)
      // A retry takes down the toast of the try before it: it no longer says how things stand.
      const toast = `stack ${describeRequest(request)}`
      notifications.hide(toast)
      try {
        const result = await callFor(call, request)
        onStatus?.(result.status)
        const summary = result.operation.summary ?? 'done'
        notifyDone(describeRequest(request), summary, toast)
        for (const warning of result.warnings)
          notifications.show({
            color: 'yellow',
            title: 'Note',
            message: warning,
            autoClose: 10_000,
          })
        return result
      } catch (error) {
        notifyError(`${describeRequest(request)}: failed`, error, toast)
        return null
      } finally {
        if (mounted.current) setPending((list) => list.filter((r) => r !== request))
      }
    },
    [call, onStatus],
  )

  const busyService = useCallback(
    (service: StackServiceName) =>
      pending.some(
        (r) => r.kind === 'up' || r.kind === 'down' || ('service' in r && r.service === service),
      ),
    [pending],
  )

  return { run, pending, lastRequest, busyService }
}
