import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  ScrollArea,
  Text,
  Title,
} from '@mantine/core'
import { DeadLetterTable } from './DeadLetterTable'
import { useDeadLetters, type DeadLettersState } from './useDeadLetters'

/** The title with the queue's total, Refresh, Retry and Discard. */
function DeadLettersHeader({ state }: { state: DeadLettersState }) {
  const { listing, selected, busy } = state
  return (
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
        <Button size="xs" variant="default" onClick={state.load}>
          Refresh
        </Button>
        <Button
          size="xs"
          onClick={() => state.act('retry')}
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
          onClick={() => state.setConfirming(true)}
          disabled={selected.size === 0}
          loading={busy === 'discard'}
          data-testid="dlq-discard"
        >
          Discard {selected.size > 0 ? selected.size : ''}
        </Button>
      </Group>
    </Group>
  )
}

/** The failure, the wait, the empty queue, or the table. */
function DeadLettersBody({ state }: { state: DeadLettersState }) {
  const { listing, error, messages } = state
  if (error !== undefined) {
    return (
      <Alert
        color="red"
        m="sm"
        title="Could not read the dead-letter queue"
        data-testid="dlq-error"
      >
        {error.message}
      </Alert>
    )
  }
  if (listing === undefined) {
    return (
      <Group p="sm" gap="xs">
        <Loader size="xs" />
        <Text size="sm">Reading the dead-letter queue…</Text>
      </Group>
    )
  }
  if (messages.length === 0) {
    return (
      <Text p="sm" size="sm" c="dimmed" data-testid="dlq-empty">
        No dead letters: every email was sent or is still being tried.
      </Text>
    )
  }
  return (
    <ScrollArea.Autosize mah={420}>
      <DeadLetterTable
        messages={messages}
        selected={state.selected}
        allSelected={state.allSelected}
        onToggle={state.toggle}
        onToggleAll={state.toggleAll}
      />
      {listing.total > messages.length && (
        <Text size="xs" c="dimmed" p="sm">
          Showing the first {messages.length} of {listing.total}.
        </Text>
      )}
    </ScrollArea.Autosize>
  )
}

function DiscardDialog({ state }: { state: DeadLettersState }) {
  const count = state.selected.size
  return (
    <Modal
      opened={state.confirming}
      onClose={() => state.setConfirming(false)}
      title="Discard dead letters?"
    >
      <Text size="sm">
        {count} message{count === 1 ? '' : 's'} will be removed from the broker for good; those
        emails will not be sent.
      </Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={() => state.setConfirming(false)}>
          Keep them
        </Button>
        <Button color="red" onClick={() => state.act('discard')} data-testid="dlq-discard-confirm">
          Discard
        </Button>
      </Group>
    </Modal>
  )
}

/**
 * The dead-letter queue: each message with the reason it ended there. Retry sends the selected
 * ones back to the emailer's work queue; Discard removes them (after a confirmation).
 */
export function DeadLetters({ queuedHint }: { queuedHint: number | undefined }) {
  const state = useDeadLetters(queuedHint)
  const { outcome } = state
  return (
    <Card withBorder padding={0} data-testid="dead-letters">
      <DeadLettersHeader state={state} />
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
          onClose={state.dismissOutcome}
          data-testid="dlq-outcome"
        >
          {outcome.message}
        </Alert>
      )}
      <DeadLettersBody state={state} />
      <DiscardDialog state={state} />
    </Card>
  )
}
