import type { ReactNode } from 'react'
import { Table, Text } from '@mantine/core'

/** Two columns of facts; values are monospace unless they are prose. */
export function KeyValueTable({
  rows,
  mono = true,
  empty = 'None',
  label,
}: {
  rows: Array<[string, ReactNode]>
  mono?: boolean
  empty?: string
  label?: string
}) {
  if (rows.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    )
  return (
    <Table verticalSpacing={3} horizontalSpacing="xs" fz="sm" aria-label={label} layout="fixed">
      <Table.Tbody>
        {rows.map(([key, value]) => (
          <Table.Tr key={key}>
            <Table.Th w="32%" fw={500} c="dimmed" style={{ wordBreak: 'break-all' }}>
              {key}
            </Table.Th>
            <Table.Td
              ff={mono ? 'monospace' : undefined}
              fz={mono ? 13 : undefined}
              style={{ wordBreak: 'break-all' }}
            >
              {value}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
