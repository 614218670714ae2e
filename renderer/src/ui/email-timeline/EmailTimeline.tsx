import { Alert, Badge, Code, Group, Loader, Stack, Text, Timeline } from '@mantine/core'
import { CaughtStep } from './CaughtStep'
import { formatClock } from '../format'
import { entryColor, statusColor } from './status'
import { useEmailTimeline } from './useEmailTimeline'

/** An email's delivery, step by step, live: accepted, queued, attempts, sent or failed. */
export function EmailTimeline({ emailId }: { emailId: string }) {
  const { timeline, waiting, error } = useEmailTimeline(emailId)
  if (error !== undefined) {
    return (
      <Alert color="red" title="Could not load the timeline" role="alert">
        {error.message}
      </Alert>
    )
  }
  if (timeline === undefined) {
    return (
      <Group gap="xs" data-testid="timeline-waiting">
        <Loader size="xs" />
        <Text size="sm" c="dimmed">
          {waiting ? 'Waiting for the first event from the broker…' : 'Loading the timeline…'}
        </Text>
      </Group>
    )
  }
  const { email, entries } = timeline
  return (
    <Stack gap="sm" data-testid="email-timeline">
      <Group gap="xs">
        <Badge color={statusColor[email.status]} data-testid="timeline-status">
          {email.status}
        </Badge>
        <Code>{email.id}</Code>
        {email.deadLettered && email.status === 'failed' && (
          <Text size="xs" c="dimmed">
            in the dead-letter queue: retry it from the Broker panel
          </Text>
        )}
      </Group>
      <Timeline active={entries.length - 1} bulletSize={14} lineWidth={2}>
        {entries.map((entry, index) => (
          <Timeline.Item
            key={`${entry.kind}-${entry.at}-${index}`}
            color={entryColor[entry.kind]}
            title={entry.title}
            data-testid={`timeline-${entry.kind}`}
          >
            {entry.detail !== undefined && (
              <Text size="sm" ff="monospace" style={{ wordBreak: 'break-word' }}>
                {entry.smtpCode !== undefined && !entry.detail.includes(String(entry.smtpCode))
                  ? `${entry.smtpCode} `
                  : ''}
                {entry.detail}
              </Text>
            )}
            <Text size="xs" c="dimmed" ff="monospace">
              {formatClock(entry.at)}
              {entry.by !== undefined ? ` · ${entry.by}` : ''}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
      <CaughtStep emailId={email.id} sent={email.status === 'sent'} />
    </Stack>
  )
}
