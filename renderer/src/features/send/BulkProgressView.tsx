import { useEffect, useState } from 'react'
import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Progress,
  ScrollArea,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core'
import type { BulkSendProgress, BulkSendRow } from '../../../../shared/contract'
import { useAction, useCall } from '../../transport/hooks'

const rowColor: Record<BulkSendRow['status'], string> = {
  pending: 'gray',
  accepted: 'green',
  invalid: 'orange',
  failed: 'red',
  cancelled: 'gray',
}

function elapsed(progress: BulkSendProgress, now: number): string {
  const seconds = ((progress.finishedAt ?? now) - progress.startedAt) / 1000
  return `${seconds.toFixed(1)} s`
}

/** A batch's progress bar while it runs, then each row's result (problems first). */
export function BulkProgressView({ progress }: { progress: BulkSendProgress }) {
  const { call } = useAction()
  const [show, setShow] = useState<'problems' | 'all'>('problems')
  const [now, setNow] = useState(() => Date.now())
  const running = progress.state === 'running'

  useEffect(() => {
    if (!running) return
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(timer)
  }, [running])

  const result = useCall('mail:bulk-result', { batchId: progress.batchId }, { enabled: !running })
  const rows = result.data?.rows
  const error = result.error

  const done = progress.accepted + progress.invalid + progress.failed
  const pct = (n: number) => (progress.total === 0 ? 0 : (n / progress.total) * 100)
  const shown = rows?.filter(
    (row) => show === 'all' || row.status === 'invalid' || row.status === 'failed',
  )

  return (
    <Card withBorder padding="md" data-testid="bulk-progress">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={5}>
            Batch <Code>{progress.batchId}</Code>
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
            <Badge color={running ? 'blue' : progress.state === 'done' ? 'green' : 'gray'}>
              {progress.state}
            </Badge>
          </Group>
        </Group>
        <Progress.Root size="lg" aria-label="bulk progress">
          <Progress.Section value={pct(progress.accepted)} color="green" />
          <Progress.Section value={pct(progress.invalid)} color="orange" />
          <Progress.Section value={pct(progress.failed)} color="red" />
        </Progress.Root>
        <Text size="sm" ff="monospace" data-testid="bulk-counts">
          {done}/{progress.total} · accepted {progress.accepted} · invalid {progress.invalid} ·
          failed {progress.failed} · {progress.rate}/s · {elapsed(progress, now)}
        </Text>
        {error !== undefined && (
          <Alert color="red" title="Could not load the row results">
            {error.message}
          </Alert>
        )}
        {shown !== undefined && (
          <>
            <SegmentedControl
              size="xs"
              value={show}
              onChange={(value) => setShow(value)}
              data={[
                { value: 'problems', label: `Problems (${progress.invalid + progress.failed})` },
                { value: 'all', label: `All rows (${progress.total})` },
              ]}
            />
            {shown.length === 0 ? (
              <Text size="sm" c="dimmed">
                No problems: every row was accepted.
              </Text>
            ) : (
              <ScrollArea.Autosize mah={360}>
                <Table stickyHeader striped fz="xs" data-testid="bulk-rows">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={60}>Row</Table.Th>
                      <Table.Th>To</Table.Th>
                      <Table.Th w={90}>Result</Table.Th>
                      <Table.Th>Reason or email id</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {shown.slice(0, 2000).map((row) => (
                      <Table.Tr key={row.row} data-testid={`bulk-row-${row.row}`}>
                        <Table.Td ff="monospace">{row.row}</Table.Td>
                        <Table.Td ff="monospace">{row.to ?? '—'}</Table.Td>
                        <Table.Td>
                          <Badge size="xs" color={rowColor[row.status]}>
                            {row.status}
                          </Badge>
                        </Table.Td>
                        <Table.Td ff={row.error === undefined ? 'monospace' : undefined}>
                          {row.error ?? row.emailId ?? ''}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            )}
          </>
        )}
      </Stack>
    </Card>
  )
}
