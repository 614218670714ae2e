import type { ReactNode } from 'react'
import { Badge, Group, Title } from '@mantine/core'

export function PanelHeader({
  title,
  count,
  children,
}: {
  title: string
  /** "12" or "3 of 12" */
  count?: string
  children?: ReactNode
}) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm">
      <Group gap="xs" wrap="nowrap">
        <Title order={2}>{title}</Title>
        {count !== undefined && (
          <Badge variant="light" size="md" ff="monospace" data-testid="panel-count">
            {count}
          </Badge>
        )}
      </Group>
      <Group gap="xs" wrap="nowrap">
        {children}
      </Group>
    </Group>
  )
}

export function Toolbar({ children }: { children: ReactNode }) {
  return (
    <Group gap="xs" wrap="wrap">
      {children}
    </Group>
  )
}
