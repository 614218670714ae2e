import {
  ActionIcon,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Switch,
  Text,
  Tooltip,
} from '@mantine/core'
import { IconRefresh } from '@tabler/icons-react'
import type { ContainerAction } from '../../../../shared/contract'
import { FilterInput } from '../../ui/FilterInput'
import { PanelHeader, Toolbar } from '../../ui/PanelHeader'
import { actionLabels } from './use-container-actions'

export type ContainerScope = 'running' | 'all'

export function ContainersHeader({
  count,
  running,
  onReload,
}: {
  count: string | undefined
  /** Undefined until the list has loaded. */
  running: number | undefined
  onReload: () => void
}) {
  return (
    <PanelHeader title="Containers" count={count}>
      {running !== undefined && (
        <Text size="xs" c="dimmed">
          {running} running
        </Text>
      )}
      <Tooltip label="Reload now (the list also updates live)">
        <ActionIcon variant="subtle" color="gray" aria-label="Reload" onClick={onReload}>
          <IconRefresh size={16} />
        </ActionIcon>
      </Tooltip>
    </PanelHeader>
  )
}

export function ContainersToolbar({
  filter,
  onFilterChange,
  scope,
  onScopeChange,
  grouped,
  onGroupedChange,
}: {
  filter: string
  onFilterChange: (filter: string) => void
  scope: ContainerScope
  onScopeChange: (scope: ContainerScope) => void
  grouped: boolean
  onGroupedChange: (grouped: boolean) => void
}) {
  return (
    <Toolbar>
      <FilterInput
        value={filter}
        onChange={onFilterChange}
        placeholder="Filter: words, name:, image:, label:k=v, status:"
        width={400}
      />
      <SegmentedControl
        size="xs"
        value={scope}
        onChange={(value) => onScopeChange(value)}
        data={[
          { value: 'all', label: 'All' },
          { value: 'running', label: 'Running' },
        ]}
        role="radiogroup"
        aria-label="Which containers"
      />
      <Switch
        size="xs"
        label="Group by project"
        checked={grouped}
        onChange={(event) => onGroupedChange(event.currentTarget.checked)}
      />
    </Toolbar>
  )
}

export function BulkBar({
  count,
  onAction,
  onClear,
}: {
  count: number
  onAction: (action: ContainerAction) => void
  onClear: () => void
}) {
  return (
    <Paper withBorder px="sm" py={6} data-testid="bulk-bar">
      <Group gap="xs">
        <Text size="sm" fw={600}>
          {count} selected
        </Text>
        {(['start', 'stop', 'restart'] as const).map((action) => (
          <Button key={action} size="compact-sm" variant="light" onClick={() => onAction(action)}>
            {actionLabels[action]}
          </Button>
        ))}
        <Button size="compact-sm" variant="light" color="red" onClick={() => onAction('remove')}>
          Remove…
        </Button>
        <Button size="compact-sm" variant="subtle" color="gray" onClick={onClear}>
          Clear selection
        </Button>
      </Group>
    </Paper>
  )
}
