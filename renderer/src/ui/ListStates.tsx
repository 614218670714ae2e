import type { ReactNode } from 'react'
import {
  Alert,
  Anchor,
  Button,
  Center,
  EmptyState,
  Group,
  Loader,
  Stack,
  Text,
} from '@mantine/core'
import { IconBox, IconPlugConnectedX } from '@tabler/icons-react'
import type { MaildockError } from '../../../shared/contract'
import { useEngineStatus } from '../transport/engine-status'
import type { Loaded } from '../transport/hooks'

/** The engine is not there: its own error, and the way to the Engine panel. Never an empty table. */
export function EngineUnreachable({ message }: { message: string }) {
  return (
    <Alert
      color="red"
      title="Docker engine unreachable"
      icon={<IconPlugConnectedX size={18} />}
      role="alert"
      data-testid="list-engine-unreachable"
    >
      <Stack gap={6}>
        <Text size="sm">{message}</Text>
        <Text size="sm">
          <Anchor href="#/engine">Open the Engine panel</Anchor> to see the endpoint and retry, or
          pick another endpoint in <Anchor href="#/settings">Settings</Anchor>.
        </Text>
      </Stack>
    </Alert>
  )
}

export function ListError({ error, onRetry }: { error: MaildockError; onRetry: () => void }) {
  return (
    <Alert color="red" title="Could not load the list" role="alert" data-testid="list-error">
      <Stack gap={6}>
        <Text size="sm">{error.message}</Text>
        <Group>
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Try again
          </Button>
        </Group>
      </Stack>
    </Alert>
  )
}

export function ListLoading({ what }: { what: string }) {
  return (
    <Center h={200} data-testid="list-loading">
      <Group gap="xs">
        <Loader size="sm" />
        <Text c="dimmed">Loading {what}…</Text>
      </Group>
    </Center>
  )
}

export function ListEmpty({
  title,
  description,
  action,
}: {
  title: string
  description?: ReactNode
  action?: ReactNode
}) {
  return (
    <EmptyState
      mt="xl"
      title={title}
      description={description}
      icon={<IconBox size={28} />}
      withIndicatorBackground
      data-testid="list-empty"
    >
      {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  )
}

/**
 * Picks what a list panel shows: engine unreachable, the load error, loading, empty, or the list.
 * `isEmpty` is about the engine having none at all; an empty filter result is the table's business.
 */
export function ListStates<T>({
  list,
  what,
  isEmpty,
  empty,
  children,
}: {
  list: Loaded<T>
  what: string
  isEmpty: (data: T) => boolean
  empty: ReactNode
  children: (data: T) => ReactNode
}) {
  const engine = useEngineStatus()
  if (engine?.state === 'unreachable') return <EngineUnreachable message={engine.error} />
  if (list.error?.code === 'ENGINE_UNREACHABLE')
    return <EngineUnreachable message={list.error.message} />
  if (list.error && list.data === undefined)
    return <ListError error={list.error} onRetry={list.refresh} />
  if (list.data === undefined) return <ListLoading what={what} />
  // A failed reload keeps the last list on screen (no flicker), with the reason above it.
  const stale = list.error && (
    <Alert color="yellow" p="xs" role="alert" data-testid="list-stale">
      <Group gap="xs" justify="space-between">
        <Text size="sm">Could not refresh: {list.error.message}</Text>
        <Button size="compact-xs" variant="subtle" color="yellow" onClick={list.refresh}>
          Try again
        </Button>
      </Group>
    </Alert>
  )
  return (
    <>
      {stale}
      {isEmpty(list.data) ? empty : children(list.data)}
    </>
  )
}
