import { Group, Text } from '@mantine/core'
import { StatusDot } from './StatusDot'

interface User {
  id: string
  name: string
  state: string
}

/** The containers using an image or a volume, each with its state; past `max`, a "+N". */
export function UsedByCell({ usedBy, max = Infinity }: { usedBy: User[]; max?: number }) {
  if (usedBy.length === 0)
    return (
      <Text size="xs" c="dimmed" span>
        unused
      </Text>
    )
  return (
    <Group gap={6} wrap="nowrap">
      {usedBy.slice(0, max).map((c) => (
        <Group key={c.id} gap={4} wrap="nowrap">
          <StatusDot state={c.state === 'running' ? 'ok' : 'idle'} label={c.state} />
          <Text size="xs" span>
            {c.name}
          </Text>
        </Group>
      ))}
      {usedBy.length > max && (
        <Text size="xs" c="dimmed" span>
          +{usedBy.length - max}
        </Text>
      )}
    </Group>
  )
}
