import { useEffect, useState } from 'react'
import { Badge, Button, Card, Code, Group, Progress, Stack, Text, Title } from '@mantine/core'
import type { BulkSendProgress } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { SendReportView } from './SendReportView'

function elapsed(progress: BulkSendProgress, now: number): string {
  const seconds = ((progress.finishedAt ?? now) - progress.startedAt) / 1000
  return `${seconds.toFixed(1)} s`
}

/** A send's hand-over to the API while it runs, then its delivery report, row by row. */
export function BulkProgressView({ progress }: { progress: BulkSendProgress }) {
  const { call } = useAction()
  const [now, setNow] = useState(() => Date.now())
  const running = progress.state === 'running'

  useEffect(() => {
    if (!running) return
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(timer)
  }, [running])

  const done = progress.accepted + progress.invalid + progress.failed
  const pct = (n: number) => (progress.total === 0 ? 0 : (n / progress.total) * 100)

  return (
    <Card withBorder padding="md" data-testid="bulk-progress">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h5">
            Send <Code data-testid="bulk-name">{progress.name}</Code>
          </Title>
          <Group gap="xs">
            {running && (
              <Button
                size="xs"
                variant="default"
                onClick={() => void call('mail:bulk-cancel', { batchId: progress.batchId })}
              >
                Cancel
              </Button>
            )}
            <Badge
              variant="light"
              color={running ? 'blue' : progress.state === 'done' ? 'green' : 'gray'}
              data-testid="bulk-state"
            >
              {running ? 'handing over' : progress.state}
            </Badge>
          </Group>
        </Group>
        <Progress.Root size="lg">
          <Progress.Section
            value={pct(progress.accepted)}
            color="green"
            aria-label="rows accepted by the API"
          />
          <Progress.Section
            value={pct(progress.invalid)}
            color="orange"
            aria-label="rows skipped"
          />
          <Progress.Section value={pct(progress.failed)} color="red" aria-label="rows failed" />
        </Progress.Root>
        <Text size="sm" ff="monospace" data-testid="bulk-counts">
          {done}/{progress.total} · accepted {progress.accepted} · invalid {progress.invalid} ·
          failed {progress.failed} · {progress.rate}/s · {elapsed(progress, now)}
        </Text>
        <SendReportView name={progress.name} live={running} />
      </Stack>
    </Card>
  )
}
