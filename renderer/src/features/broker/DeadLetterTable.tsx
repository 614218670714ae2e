import { Checkbox, Code, Table, Text } from '@mantine/core'
import type { DeadLetter } from '../../../../shared/contract'

function DeadLetterRow({
  message,
  checked,
  onToggle,
}: {
  message: DeadLetter
  checked: boolean
  onToggle: () => void
}) {
  return (
    <Table.Tr data-testid={`dlq-${message.key}`}>
      <Table.Td>
        <Checkbox aria-label={`Select ${message.key}`} checked={checked} onChange={onToggle} />
      </Table.Td>
      <Table.Td>
        <Code>{message.emailId ?? message.key}</Code>
      </Table.Td>
      <Table.Td>
        <Text size="xs" ff="monospace">
          {message.to.join(', ')}
        </Text>
        <Text size="xs" c="dimmed">
          {message.subject}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="xs" ff="monospace" c="red" data-testid="dlq-reason">
          {message.reason}
        </Text>
      </Table.Td>
      <Table.Td ta="right" ff="monospace">
        {message.attempts}
      </Table.Td>
      <Table.Td>
        <Text size="xs" ff="monospace">
          {message.failedAt === undefined ? '—' : new Date(message.failedAt).toLocaleString()}
        </Text>
      </Table.Td>
    </Table.Tr>
  )
}

/** The dead letters with a checkbox each and one to select them all. */
export function DeadLetterTable({
  messages,
  selected,
  allSelected,
  onToggle,
  onToggleAll,
}: {
  messages: DeadLetter[]
  selected: Set<string>
  allSelected: boolean
  onToggle: (key: string) => void
  onToggleAll: () => void
}) {
  return (
    <Table stickyHeader striped fz="sm" data-testid="dlq-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={36}>
            <Checkbox
              aria-label="Select all"
              checked={allSelected}
              indeterminate={selected.size > 0 && !allSelected}
              onChange={onToggleAll}
            />
          </Table.Th>
          <Table.Th>Email</Table.Th>
          <Table.Th>To / subject</Table.Th>
          <Table.Th>Reason</Table.Th>
          <Table.Th ta="right">Attempts</Table.Th>
          <Table.Th>Failed at</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {messages.map((message) => (
          <DeadLetterRow
            key={message.key}
            message={message}
            checked={selected.has(message.key)}
            onToggle={() => onToggle(message.key)}
          />
        ))}
      </Table.Tbody>
    </Table>
  )
}
