import { useCallback, useState } from 'react'
import { Alert, Badge, Button, Grid, Group, Stack, Text, TextInput, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconSearch } from '@tabler/icons-react'
import type { MailboxStatus } from '../../../../shared/contract'
import { useClient } from '../../transport/client'
import { ChaosControls } from './ChaosControls'
import { MessageList } from './MessageList'
import { MessageView } from './MessageView'
import { useMailboxMessages, useMailboxStatus } from './useMailbox'

/** The message id in the hash (`#/mailbox?id=...`), for links from an email's timeline. */
function idFromHash(): string | undefined {
  const query = window.location.hash.split('?')[1]
  return new URLSearchParams(query ?? '').get('id') ?? undefined
}

/** The title, the message count, the chaos controls and Delete all. */
function MailboxHeading({ status }: { status: MailboxStatus | undefined }) {
  const client = useClient()
  return (
    <Group justify="space-between">
      <Group gap="xs">
        <Title order={2}>Mailbox</Title>
        <Badge variant="light" ff="monospace" data-testid="mailbox-total">
          {status?.total ?? '…'}
        </Badge>
      </Group>
      <Group gap="xs">
        <ChaosControls enabled={status?.chaos !== null && status !== undefined} />
        <Button
          size="xs"
          color="red"
          variant="default"
          data-testid="mailbox-clear"
          disabled={(status?.total ?? 0) === 0}
          onClick={() => {
            if (window.confirm(`Delete all ${status?.total ?? 0} messages?`))
              void client.call('mailbox:delete', {})
          }}
        >
          Delete all
        </Button>
      </Group>
    </Group>
  )
}

/** What the stack's mail catcher received: live, searchable, each message in a sandboxed view. */
export function MailboxPanel() {
  const status = useMailboxStatus()
  const [search, setSearch] = useState('')
  const [debounced] = useDebouncedValue(search.trim(), 250)
  const [selected, setSelected] = useState<string | undefined>(idFromHash)
  const { page, error, more, loadMore } = useMailboxMessages(status, debounced)
  const onMore = useCallback(() => loadMore(), [loadMore])

  if (status !== undefined && !status.available) {
    return (
      <Stack gap="md">
        <Title order={2}>Mailbox</Title>
        <Alert color="gray" data-testid="mailbox-unavailable">
          {status.reason}
        </Alert>
      </Stack>
    )
  }
  return (
    <Stack gap="sm" h="calc(100vh - 100px)">
      <MailboxHeading status={status} />
      <TextInput
        size="xs"
        leftSection={<IconSearch size={14} />}
        placeholder="Search: to:ann@example.org subject:invoice tag:spring, or words"
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        data-testid="mailbox-search"
      />
      {error !== undefined && <Alert color="red">{error}</Alert>}
      <Grid style={{ flex: 1, minHeight: 0 }}>
        <Grid.Col span={5} style={{ height: '100%' }}>
          {page !== undefined && page.messages.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="mailbox-empty">
              {debounced === ''
                ? 'Nothing received yet. Send an email and it shows up here.'
                : 'No message matches.'}
            </Text>
          ) : (
            <MessageList
              messages={page?.messages ?? []}
              selected={selected}
              onSelect={setSelected}
              more={more}
              onMore={onMore}
            />
          )}
          {page !== undefined && (
            <Text size="xs" c="dimmed" data-testid="mailbox-count">
              {page.messages.length} shown of {page.matching}
            </Text>
          )}
        </Grid.Col>
        <Grid.Col span={7} style={{ height: '100%', overflow: 'auto' }}>
          {selected === undefined ? (
            <Text size="sm" c="dimmed">
              Pick a message.
            </Text>
          ) : (
            <MessageView key={selected} id={selected} onDeleted={() => setSelected(undefined)} />
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  )
}
