import { useState } from 'react'
import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Loader,
  ScrollArea,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconSearch } from '@tabler/icons-react'
import { deliveryStatuses, type DeliveryStatus } from '../../../../shared/contract'
import { BrokerStatusBadge } from '../../ui/BrokerStatusBadge'
import { EmailTimeline } from '../../ui/email-timeline/EmailTimeline'
import { formatAge } from '../../ui/format'
import { useNow } from '../../ui/useNow'
import { statusColor } from '../../ui/email-timeline/status'
import { useRecentEmails } from './useRecentEmails'

type Recent = ReturnType<typeof useRecentEmails>
type RecentEmail = NonNullable<Recent['recent']>['emails'][number]

/** Recent emails with their live delivery status; pick one to see its timeline. */
export function TrackingPanel() {
  const [status, setStatus] = useState<DeliveryStatus | 'all'>('all')
  const [search, setSearch] = useState('')
  const [debounced] = useDebouncedValue(search, 200)
  const [selected, setSelected] = useState<string | undefined>(
    () => new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('id') ?? undefined,
  )
  const recent = useRecentEmails(status === 'all' ? undefined : status, debounced)
  const counts = recent.recent?.counts

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={2}>Emails</Title>
          {counts !== undefined && (
            <Badge variant="light" ff="monospace" data-testid="emails-total">
              {counts.total}
            </Badge>
          )}
        </Group>
        <BrokerStatusBadge />
      </Group>
      <Group gap="sm">
        <SegmentedControl
          size="xs"
          value={status}
          onChange={(value) => setStatus(value)}
          data={[
            { value: 'all', label: `All ${counts?.total ?? ''}` },
            ...deliveryStatuses.map((s) => ({ value: s, label: `${s} ${counts?.[s] ?? ''}` })),
          ]}
          data-testid="status-filter"
        />
        <TextInput
          size="xs"
          placeholder="Filter by id, recipient or subject"
          leftSection={<IconSearch size={14} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={300}
          data-testid="emails-search"
        />
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Card withBorder padding={0}>
          <EmailList recent={recent} selected={selected} onSelect={setSelected} />
        </Card>
        <Card withBorder padding="md">
          {selected === undefined ? (
            <Text size="sm" c="dimmed">
              Pick an email to see its timeline: accepted, queued, each attempt, sent with the SMTP
              server&apos;s reply or failed with the reason.
            </Text>
          ) : (
            <EmailTimeline emailId={selected} />
          )}
        </Card>
      </SimpleGrid>
    </Stack>
  )
}

/** The emails table, or why there is none to show. */
function EmailList({
  recent: { recent, error, reload },
  selected,
  onSelect,
}: {
  recent: Recent
  selected: string | undefined
  onSelect: (id: string) => void
}) {
  const now = useNow(5000)
  if (error !== undefined)
    return (
      <Alert color="red" m="sm" title="Could not load the emails" role="alert">
        <Stack gap={6}>
          <Text size="sm">{error.message}</Text>
          <Group>
            <Button size="xs" variant="light" color="red" onClick={reload}>
              Try again
            </Button>
          </Group>
        </Stack>
      </Alert>
    )
  if (recent === undefined)
    return (
      <Group p="sm" gap="xs">
        <Loader size="xs" />
        <Text size="sm">Loading…</Text>
      </Group>
    )
  if (recent.emails.length === 0)
    return (
      <Text p="sm" size="sm" c="dimmed" data-testid="emails-empty">
        {recent.counts.total === 0
          ? 'No emails yet. Send one from the Send panel; every email sent through the stack shows here.'
          : 'No email matches the filter.'}
      </Text>
    )
  return (
    <ScrollArea.Autosize mah="70vh">
      <Table stickyHeader highlightOnHover fz="sm" data-testid="emails-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Status</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th ta="right">Tries</Table.Th>
            <Table.Th>Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {recent.emails.map((email) => (
            <EmailRow
              key={email.id}
              email={email}
              now={now}
              selected={selected === email.id}
              onSelect={() => onSelect(email.id)}
            />
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  )
}

/** A row's subject (or id) and, when it failed or is retrying, why. */
const rowTitle = (email: RecentEmail): string =>
  [email.subject ?? email.id, email.detail].filter(Boolean).join(' — ')

function EmailRow({
  email,
  now,
  selected,
  onSelect,
}: {
  email: RecentEmail
  now: number
  selected: boolean
  onSelect: () => void
}) {
  const recipients = email.to.join(', ')
  return (
    <Table.Tr
      onClick={onSelect}
      bg={selected ? 'var(--mantine-color-default-hover)' : undefined}
      style={{ cursor: 'pointer' }}
      data-testid={`email-row-${email.id}`}
    >
      <Table.Td>
        {/* Its label may not shrink: a narrow table cut "failed" to "FAIL…". */}
        <Badge
          size="sm"
          color={statusColor[email.status]}
          styles={{ label: { overflow: 'visible' } }}
          data-testid="email-status"
        >
          {email.status}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="xs" ff="monospace" lineClamp={1} title={recipients}>
          {recipients}
        </Text>
      </Table.Td>
      <Table.Td>
        {/* Clamped to a line: the whole subject, and why it failed, on hover. */}
        <Text size="sm" lineClamp={1} title={rowTitle(email)}>
          {email.subject ?? <Code>{email.id}</Code>}
        </Text>
      </Table.Td>
      <Table.Td ta="right" ff="monospace">
        {email.attempts}
      </Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          {formatAge(email.updatedAt, now)}
        </Text>
      </Table.Td>
    </Table.Tr>
  )
}
