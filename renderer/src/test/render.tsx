import type { ReactElement } from 'react'
import { render } from '@testing-library/react'
import { MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { vi } from 'vitest'
import { createClient, type RawBridge, type StreamMessage } from '../../../shared/contract'
import { ClientProvider } from '../transport/client'

/** A RawBridge whose answers a test sets, and whose streams a test pushes into. */
export function fakeBridge(answers: Record<string, (input: unknown) => unknown> = {}) {
  const streams = new Map<string, Set<(message: StreamMessage) => void>>()
  const bridge = {
    call: vi.fn((channel: string, input: unknown) => {
      const answer = answers[channel]
      if (!answer)
        return Promise.resolve({
          ok: false as const,
          error: { code: 'UNKNOWN_CHANNEL' as const, message: channel },
        })
      try {
        return Promise.resolve({ ok: true as const, result: answer(input) })
      } catch (error) {
        return Promise.resolve({
          ok: false as const,
          error: { code: 'INTERNAL' as const, message: (error as Error).message },
        })
      }
    }),
    subscribe: vi.fn(
      (event: string, _input: unknown, onMessage: (message: StreamMessage) => void) => {
        const set = streams.get(event) ?? new Set()
        streams.set(event, set)
        set.add(onMessage)
        return () => set.delete(onMessage)
      },
    ),
  } satisfies RawBridge
  const push = (event: string, data: unknown) => {
    for (const listener of streams.get(event) ?? []) listener({ type: 'data', data })
  }
  return { bridge, push, client: createClient(bridge) }
}

export function renderWithClient(ui: ReactElement, bridge: RawBridge) {
  return render(
    <MantineProvider>
      <Notifications />
      <ClientProvider client={createClient(bridge)}>{ui}</ClientProvider>
    </MantineProvider>,
  )
}
