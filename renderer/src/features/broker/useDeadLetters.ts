import { useEffect, useRef, useState } from 'react'
import type { MaildockError } from '../../../../shared/contract'
import { useAction, useCall } from '../../transport/hooks'

interface Outcome {
  ok: boolean
  title: string
  message: string
}

type DeadLetterAct = 'retry' | 'discard'

const outcomeText = (done: string[], missing: string[]): string =>
  `${done.length} message${done.length === 1 ? '' : 's'}${missing.length > 0 ? `; ${missing.length} no longer in the queue` : ''}`

/** Ticks and unticks one key of a selection. */
const toggled = (keys: Set<string>, key: string): Set<string> => {
  const next = new Set(keys)
  if (next.has(key)) next.delete(key)
  else next.add(key)
  return next
}

/**
 * The dead-letter listing, reloaded when the queue's size (from the live queue list) changes, the
 * selection, and Retry/Discard with their outcome.
 */
export function useDeadLetters(queuedHint: number | undefined) {
  const { data: listing, error, refresh: load } = useCall('broker:dead-letters', { limit: 500 })
  const { call } = useAction()
  const [picked, setSelected] = useState<Set<string>>(new Set())
  const [busy, setBusy] = useState<DeadLetterAct | undefined>()
  const [confirming, setConfirming] = useState(false)
  // The outcome shows beside the buttons: a toast in the corner would cover them.
  const [outcome, setOutcome] = useState<Outcome | undefined>()

  const lastHint = useRef(queuedHint)
  useEffect(() => {
    if (lastHint.current === queuedHint) return
    lastHint.current = queuedHint
    load()
  }, [load, queuedHint])

  const messages = listing?.messages ?? []
  // What is selected and still in the queue.
  const selected = new Set([...picked].filter((key) => messages.some((m) => m.key === key)))

  const act = (action: DeadLetterAct) => {
    const keys = [...selected]
    setBusy(action)
    setConfirming(false)
    setOutcome(undefined)
    call(action === 'retry' ? 'broker:dead-letters-retry' : 'broker:dead-letters-discard', {
      keys,
    })
      .then(
        ({ done, missing }) => {
          setOutcome({
            ok: true,
            title: action === 'retry' ? 'Sent back to the emailer' : 'Discarded',
            message: outcomeText(done, missing),
          })
          setSelected(new Set())
          load()
        },
        (failure: MaildockError) =>
          setOutcome({
            ok: false,
            title: `${action === 'retry' ? 'Retry' : 'Discard'} failed`,
            message: failure.message,
          }),
      )
      .finally(() => setBusy(undefined))
  }

  const allSelected = messages.length > 0 && messages.every((m) => selected.has(m.key))
  return {
    listing,
    error,
    load,
    messages,
    selected,
    allSelected,
    toggle: (key: string) => setSelected((prev) => toggled(prev, key)),
    toggleAll: () => setSelected(allSelected ? new Set() : new Set(messages.map((m) => m.key))),
    busy,
    act,
    confirming,
    setConfirming,
    outcome,
    dismissOutcome: () => setOutcome(undefined),
  }
}

export type DeadLettersState = ReturnType<typeof useDeadLetters>
