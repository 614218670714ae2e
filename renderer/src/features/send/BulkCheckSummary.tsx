import { Alert, ScrollArea, Table, Text } from '@mantine/core'
import type { BulkCheck, MaildockError } from '../../../../shared/contract'
import { checkSummary } from './bulk-model'

/** What a send would do before it goes: the valid count and each row that will be skipped. */
export function BulkCheckSummary({
  check,
  error,
  loading,
}: {
  check: BulkCheck | undefined
  error: MaildockError | undefined
  loading: boolean
}) {
  if (error !== undefined) {
    return (
      <Alert color="red" title="This send cannot start" role="alert" data-testid="bulk-check">
        {error.message}
      </Alert>
    )
  }
  if (check === undefined) {
    return (
      <Text size="sm" c="dimmed" data-testid="bulk-check">
        {loading ? 'Checking every row…' : 'Choose the To column and write a subject or text.'}
      </Text>
    )
  }
  const skipped = check.invalidCount > 0
  return (
    <Alert
      color={skipped ? 'orange' : 'green'}
      variant="light"
      title={checkSummary(check)}
      data-testid="bulk-check"
    >
      {skipped ? (
        <>
          <Text size="sm" mb="xs">
            These rows will not be sent; the others will:
          </Text>
          <ScrollArea.Autosize mah={200}>
            <Table fz="xs" data-testid="bulk-check-rows">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={60}>Row</Table.Th>
                  <Table.Th>To</Table.Th>
                  <Table.Th>Why it is skipped</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {check.invalid.map((row) => (
                  <Table.Tr key={row.row} data-testid={`bulk-check-row-${row.row}`}>
                    <Table.Td ff="monospace">{row.row}</Table.Td>
                    <Table.Td ff="monospace">{row.to ?? '—'}</Table.Td>
                    <Table.Td>{row.error}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
          {check.invalidCount > check.invalid.length && (
            <Text size="xs" c="dimmed">
              and {check.invalidCount - check.invalid.length} more (all listed in the report)
            </Text>
          )}
        </>
      ) : (
        <Text size="sm">Every row has a valid email.</Text>
      )}
    </Alert>
  )
}
