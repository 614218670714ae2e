import { useEffect, useRef, useState } from 'react'
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Loader,
  Modal,
  ScrollArea,
  Table,
  Text,
  Title,
} from '@mantine/core'
import type { MaildockError } from '../../../../shared/contract'
import { useAction, useCall } from '../../transport/hooks'

interface Outcome {
  ok: boolean
  title: string
  message: string
}

/**
 * The dead-letter queue: each message with the reason it ended there. Retry sends the selected
 * ones back to the emailer's work queue; Discard removes them (after a confirmation).
 */
export function DeadLetters({ queuedHint }: { queuedHint: number | undefined }) {
  const { data: listing, error, refresh: load } = useCall('broker:dead-letters', { limit: 500 })
  const { call } = useAction()
  const [picked, setSelected] = useState<Set<string>>(new Set())
  const [busy, setBusy] = useState<'retry' | 'discard' | undefined>()
  const [confirming, setConfirming] = useState(false)
  // The outcome shows beside the buttons: a toast in the corner would cover them.
  const [outcome, setOutcome] = useState<Outcome | undefined>()

  // Reload when the queue's size (from the live queue list) changes.
  const lastHint = useRef(queuedHint)
  useEffect(() => {
    if (lastHint.current === queuedHint) return
    lastHint.current = queuedHint
    load()
  }, [load, queuedHint])

  const messages = listing?.messages ?? []
  // What is selected and still in the queue.
  const selected = new Set([...picked].filter((key) => messages.some((m) => m.key === key)))

  const act = (action: 'retry' | 'discard') => {
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
            message: `${done.length} message${done.length === 1 ? '' : 's'}${missing.length > 0 ? `; ${missing.length} no longer in the queue` : ''}`,
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
  const toggle = (key: string) =>
    setSelected((prev) => {
      const next = new Set(prev)
      if (next.has(key)) next.delete(key)
      else next.add(key)
      return next
    })

  return (
    <Card withBorder padding={0} data-testid="dead-letters">
      <Group justify="space-between" p="sm">
        <Group gap="xs">
          <Title order={5}>Dead letters</Title>
          {listing !== undefined && (
            <Badge color={listing.total > 0 ? 'red' : 'gray'} variant="light" ff="monospace">
              {listing.total}
            </Badge>
          )}
        </Group>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={load}>
            Refresh
          </Button>
          <Button
            size="xs"
            onClick={() => act('retry')}
            disabled={selected.size === 0}
            loading={busy === 'retry'}
            data-testid="dlq-retry"
          >
            Retry {selected.size > 0 ? selected.size : ''}
          </Button>
          <Button
            size="xs"
            color="red"
            variant="light"
            onClick={() => setConfirming(true)}
            disabled={selected.size === 0}
            loading={busy === 'discard'}
            data-testid="dlq-discard"
          >
            Discard {selected.size > 0 ? selected.size : ''}
          </Button>
        </Group>
      </Group>
      {outcome && (
        <Alert
          color={outcome.ok ? 'green' : 'red'}
          role={outcome.ok ? 'status' : 'alert'}
          mx="sm"
          mb="sm"
          py={6}
          title={outcome.title}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setOutcome(undefined)}
          data-testid="dlq-outcome"
        >
          {outcome.message}
        </Alert>
      )}
      {error !== undefined ? (
        <Alert
          color="red"
          m="sm"
          title="Could not read the dead-letter queue"
          data-testid="dlq-error"
        >
          {error.message}
        </Alert>
      ) : listing === undefined ? (
        <Group p="sm" gap="xs">
          <Loader size="xs" />
          <Text size="sm">Reading the dead-letter queue…</Text>
        </Group>
      ) : messages.length === 0 ? (
        <Text p="sm" size="sm" c="dimmed" data-testid="dlq-empty">
          No dead letters: every email was sent or is still being tried.
        </Text>
      ) : (
        <ScrollArea.Autosize mah={420}>
          <Table stickyHeader striped fz="sm" data-testid="dlq-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={36}>
                  <Checkbox
                    aria-label="Select all"
                    checked={allSelected}
                    indeterminate={selected.size > 0 && !allSelected}
                    onChange={() =>
                      setSelected(allSelected ? new Set() : new Set(messages.map((m) => m.key)))
                    }
                  />
                </Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>To / subject</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th ta="right">Attempts</Table.Th>
                <Table.Th>Failed at</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {messages.map((message) => (
                <Table.Tr key={message.key} data-testid={`dlq-${message.key}`}>
                  <Table.Td>
                    <Checkbox
                      aria-label={`Select ${message.key}`}
                      checked={selected.has(message.key)}
                      onChange={() => toggle(message.key)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Code>{message.emailId ?? message.key}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {message.to.join(', ')}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {message.subject}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" c="red" data-testid="dlq-reason">
                      {message.reason}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    {message.attempts}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {message.failedAt === undefined
                        ? '—'
                        : new Date(message.failedAt).toLocaleString()}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {listing.total > messages.length && (
            <Text size="xs" c="dimmed" p="sm">
              Showing the first {messages.length} of {listing.total}.
            </Text>
          )}
        </ScrollArea.Autosize>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Discard dead letters?">
        <Text size="sm">
          {selected.size} message{selected.size === 1 ? '' : 's'} will be removed from the broker
          for good; those emails will not be sent.
        </Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirming(false)}>
            Keep them
          </Button>
          <Button color="red" onClick={() => act('discard')} data-testid="dlq-discard-confirm">
            Discard
          </Button>
        </Group>
      </Modal>
    </Card>
  )
}
