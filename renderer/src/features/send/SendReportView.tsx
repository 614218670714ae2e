import { useState } from 'react'
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  ScrollArea,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core'
import { IconDownload } from '@tabler/icons-react'
import type { SendReport, SendRowOutcome } from '../../../../shared/contract'
import { saveText } from '../../ui/download'
import { notifyError } from '../../ui/notify'
import { useAction, useCall } from '../../transport/hooks'

const outcomeColor: Record<SendRowOutcome, string> = {
  skipped: 'orange',
  pending: 'gray',
  accepted: 'blue',
  retrying: 'yellow',
  sent: 'green',
  failed: 'red',
  'dead-lettered': 'red',
  cancelled: 'gray',
}

const PROBLEMS: ReadonlySet<SendRowOutcome> = new Set([
  'skipped',
  'failed',
  'dead-lettered',
  'cancelled',
])
const MAX_SHOWN = 2_000

function countsLine(report: SendReport): string {
  const { counts } = report
  const parts = [
    `${counts.rows} rows`,
    `accepted ${counts.accepted}`,
    `sent ${counts.sent}`,
    `retried ${counts.retried}`,
    `failed ${counts.failed}`,
    `dead-lettered ${counts.deadLettered}`,
    `caught ${counts.caught ?? '—'}`,
    `skipped ${counts.skipped}`,
  ]
  return parts.join(' · ')
}

/** Saves a send's report (one line per row) as a CSV file. */
export function ReportExportButton({
  name,
  label = 'Export CSV',
  testId = 'report-export',
}: {
  name: string
  label?: string
  testId?: string
}) {
  const { call, pending } = useAction()
  const exportCsv = () => {
    call('mail:send-report-csv', { name }).then(
      ({ filename, csv }) => saveText(filename, csv, 'text/csv'),
      (error: unknown) => notifyError('Report not exported', error),
    )
  }
  return (
    <Button
      size="xs"
      variant="default"
      leftSection={<IconDownload size={14} />}
      onClick={exportCsv}
      loading={pending}
      data-testid={testId}
    >
      {label}
    </Button>
  )
}

/**
 * A send's delivery report from the log store, live while it runs (each row through to sent or
 * failed, linked to its timeline), exportable as CSV.
 */
export function SendReportView({ name, live }: { name: string; live: boolean }) {
  const [show, setShow] = useState<'all' | 'problems'>('all')
  const [settled, setSettled] = useState(false)
  const report = useCall(
    'mail:send-report',
    { name },
    { pollMs: live || !settled ? 1_000 : undefined, keepPrevious: true },
  )
  const data = report.data
  // Every row has its final outcome: nothing changes any more by itself.
  const done = !live && data !== undefined && data.counts.pending === 0
  if (done !== settled) setSettled(done)

  if (data === undefined) {
    return report.error === undefined ? (
      <Text size="sm" c="dimmed">
        Loading the report…
      </Text>
    ) : (
      <Alert color="red" title="Could not load the report" role="alert">
        {report.error.message}
      </Alert>
    )
  }
  const shown = data.rows.filter((row) => show === 'all' || PROBLEMS.has(row.outcome))
  const problems = data.rows.filter((row) => PROBLEMS.has(row.outcome)).length
  return (
    <Stack gap="sm" data-testid="send-report">
      <Group justify="space-between">
        <Title order={3} size="h5">
          Delivery report
        </Title>
        <ReportExportButton name={name} />
      </Group>
      <Text size="sm" ff="monospace" data-testid="report-counts">
        {countsLine(data)}
        {data.counts.pending > 0 ? ` · on the way ${data.counts.pending}` : ''}
      </Text>
      {data.caughtNote !== null && (
        <Text size="xs" c="dimmed">
          Caught is unknown: {data.caughtNote}
        </Text>
      )}
      <SegmentedControl
        size="xs"
        value={show}
        onChange={(value) => setShow(value === 'problems' ? 'problems' : 'all')}
        data={[
          { value: 'all', label: `All rows (${data.rows.length})` },
          { value: 'problems', label: `Problems (${problems})` },
        ]}
      />
      <ReportRows rows={shown.slice(0, MAX_SHOWN)} />
      {shown.length > MAX_SHOWN && (
        <Text size="xs" c="dimmed">
          The first {MAX_SHOWN} of {shown.length} rows are shown; the CSV has them all.
        </Text>
      )}
    </Stack>
  )
}

function ReportRows({ rows }: { rows: SendReport['rows'] }) {
  return (
    <ScrollArea.Autosize mah={420}>
      <Table stickyHeader striped fz="xs" data-testid="report-rows">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={60}>Row</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th w={110}>Outcome</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Detail</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.row} data-testid={`report-row-${row.row}`}>
              <Table.Td ff="monospace">{row.row}</Table.Td>
              <Table.Td ff="monospace">{row.to ?? '—'}</Table.Td>
              <Table.Td>
                <Badge size="xs" variant="light" color={outcomeColor[row.outcome]}>
                  {row.outcome}
                </Badge>
                {row.retries > 0 && (
                  <Text span size="xs" c="dimmed" ml={4}>
                    ({row.retries} {row.retries === 1 ? 'retry' : 'retries'})
                  </Text>
                )}
              </Table.Td>
              <Table.Td ff="monospace">
                {row.emailId === null ? (
                  '—'
                ) : (
                  <Anchor
                    size="xs"
                    href={`#/emails?id=${encodeURIComponent(row.emailId)}`}
                    data-testid="report-email-link"
                  >
                    {row.emailId}
                  </Anchor>
                )}
              </Table.Td>
              <Table.Td>{row.detail ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  )
}
