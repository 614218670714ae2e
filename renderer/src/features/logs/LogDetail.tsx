import type { ReactNode } from 'react'
import {
  Alert,
  Anchor,
  Badge,
  Code,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Timeline,
  Title,
} from '@mantine/core'
import type { EmailSummary, LogEntry } from '../../../../shared/contract'
import { useCall, usePolling } from '../../transport/hooks'
import { formatStamp, prettyJson } from '../../ui/format'
import { LEVEL_COLOR, STATUS_COLOR } from './LogResults'
import classes from './Logs.module.css'

const FINAL = new Set(['sent', 'failed', 'dead-lettered'])

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={120}>{label}</Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  )
}

function EntryFields({ entry }: { entry: LogEntry }) {
  return (
    <Table verticalSpacing={4} fz="sm" data-testid="log-entry">
      <Table.Tbody>
        <Field label="Time">
          <Code>{new Date(entry.ts).toISOString()}</Code>
        </Field>
        <Field label="Service">
          <Code>{entry.service}</Code>
          {entry.container && (
            <Text span size="xs" c="dimmed">
              {' '}
              container {entry.container} {entry.stream ?? ''}
            </Text>
          )}
        </Field>
        <Field label="Level">
          <Badge size="sm" variant="light" color={LEVEL_COLOR[entry.level]}>
            {entry.level}
          </Badge>
        </Field>
        <Field label="Source">
          {entry.source === 'event' ? 'mail event (broker)' : 'container line'}
        </Field>
      </Table.Tbody>
    </Table>
  )
}

/** Every step recorded for one email, the selected entry's in bold. */
function StoredSteps({
  timeline,
  selectedId,
}: {
  timeline: LogEntry[]
  selectedId: number | undefined
}) {
  return (
    <Timeline active={timeline.length - 1} bulletSize={14} lineWidth={2} data-testid="log-timeline">
      {timeline.map((step) => (
        <Timeline.Item
          key={step.id}
          color={step.status ? (STATUS_COLOR[step.status] ?? 'gray') : LEVEL_COLOR[step.level]}
          title={
            <Group gap={6}>
              <Text size="sm" fw={step.id === selectedId ? 700 : 500}>
                {step.status ?? step.level}
              </Text>
              <Text size="xs" c="dimmed">
                {step.service}
                {step.source === 'container' ? ' (log line)' : ''}
              </Text>
            </Group>
          }
          data-testid="log-timeline-step"
        >
          <Text size="xs" ff="monospace" style={{ wordBreak: 'break-word' }}>
            {step.text}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {formatStamp(step.ts)}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  )
}

/** The email's status, subject and recipients above its timeline. */
function EmailHeading({ email }: { email: EmailSummary }) {
  return (
    <>
      <Title order={5}>Email {email.emailId}</Title>
      <Group gap="xs">
        {email.lastStatus && (
          <Badge color={STATUS_COLOR[email.lastStatus] ?? 'gray'} data-testid="log-email-status">
            {email.lastStatus}
          </Badge>
        )}
        <Text size="sm" fw={600}>
          {email.subject ?? '(subject not recorded)'}
        </Text>
      </Group>
      <Text size="sm" ff="monospace">
        to {email.recipients.join(', ') || '(recipients not recorded)'}
      </Text>
    </>
  )
}

/** One entry and, when it belongs to an email, everything recorded for that email id. */
export function LogDetail({
  target,
  onOpenEmail,
}: {
  target: { id: number } | { emailId: string }
  onOpenEmail: (emailId: string) => void
}) {
  const { data: result, error, refresh } = useCall('logs:get', target)
  // An email still on its way: its timeline grows, so it is read again every 2 s.
  const inFlight = result?.email ? !FINAL.has(result.email.lastStatus ?? 'request') : false
  usePolling(refresh, inFlight ? 2_000 : undefined)

  if (error) {
    return (
      <Alert color="red" title="Could not load this entry" role="alert">
        {error.message}
      </Alert>
    )
  }
  if (!result) {
    return (
      <Group gap="xs">
        <Loader size="xs" />
        <Text size="sm">Loading…</Text>
      </Group>
    )
  }
  const { entry, email, timeline } = result
  const raw = entry ? (prettyJson(entry.raw) ?? entry.raw) : null
  return (
    <Stack gap="md">
      {entry && <EntryFields entry={entry} />}
      {raw !== null && (
        // Focusable, so a keyboard can scroll a long entry.
        <Code
          block
          className={classes.raw}
          data-testid="log-raw"
          tabIndex={0}
          role="region"
          aria-label="The entry as logged"
        >
          {raw}
        </Code>
      )}
      {email && (
        <Stack gap="xs" data-testid="log-email">
          <EmailHeading email={email} />
          <StoredSteps timeline={timeline} selectedId={entry?.id} />
          {result.truncated && (
            <Text size="xs" c="dimmed">
              Showing the first {timeline.length.toLocaleString()} entries.
            </Text>
          )}
          {entry === null && timeline.length === 0 && <Text size="sm">Nothing recorded.</Text>}
          {'id' in target && (
            <Anchor size="xs" onClick={() => onOpenEmail(email.emailId)}>
              Search everything for this email
            </Anchor>
          )}
        </Stack>
      )}
    </Stack>
  )
}
