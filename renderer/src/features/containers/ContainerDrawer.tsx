import { useState } from 'react'
import { Button, Drawer, Group, Tabs, Text } from '@mantine/core'
import type { ContainerAction, ContainerSummary } from '../../../../shared/contract'
import { shortId } from '../../ui/format'
import { StatusDot } from '../../ui/StatusDot'
import { actionsFor } from './container-filter'
import { stateDot } from './container-cells'
import { ContainerInspect } from './ContainerInspect'
import { ContainerLogs } from './ContainerLogs'
import { ContainerStats } from './ContainerStats'
import { actionLabels } from './use-container-actions'

type Tab = 'info' | 'stats' | 'logs'

function DrawerTitle({ summary }: { summary: ContainerSummary | undefined }) {
  if (!summary) return <Text fw={600}>Container</Text>
  return (
    <Group gap="xs" wrap="nowrap">
      <StatusDot state={stateDot(summary.state)} label={summary.state} />
      <Text fw={600}>{summary.name}</Text>
      <Text size="xs" c="dimmed" ff="monospace">
        {shortId(summary.id)}
      </Text>
    </Group>
  )
}

function ActionButtons({
  summary,
  busy,
  onAction,
}: {
  summary: ContainerSummary | undefined
  busy: boolean
  onAction: (action: ContainerAction) => void
}) {
  if (!summary)
    return (
      <Text c="dimmed" size="sm" mb="sm" data-testid="container-gone">
        This container no longer exists.
      </Text>
    )
  return (
    <Group gap="xs" mb="sm">
      {actionsFor(summary.state).map((action) => (
        <Button
          key={action}
          size="compact-sm"
          variant="light"
          color={action === 'remove' || action === 'kill' || action === 'stop' ? 'red' : undefined}
          disabled={busy}
          onClick={() => onAction(action)}
        >
          {action === 'remove' ? 'Remove…' : actionLabels[action]}
        </Button>
      ))}
      <Text size="xs" c="dimmed">
        {summary.status}
      </Text>
    </Group>
  )
}

/** Details of one container: inspect, live stats and logs; each tab streams only while shown. */
export function ContainerDrawer({
  id,
  summary,
  busy,
  onAction,
  onClose,
}: {
  id: string | null
  summary: ContainerSummary | undefined
  busy: boolean
  onAction: (action: ContainerAction) => void
  onClose: () => void
}) {
  const [tab, setTab] = useState<Tab>('info')
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size="min(960px, 70%)"
      title={<DrawerTitle summary={summary} />}
    >
      {id !== null && (
        <>
          <ActionButtons summary={summary} busy={busy} onAction={onAction} />
          <Tabs
            key={id}
            value={tab}
            onChange={(value) => setTab((value as Tab | null) ?? 'info')}
            keepMounted={false}
          >
            <Tabs.List>
              <Tabs.Tab value="info">Inspect</Tabs.Tab>
              <Tabs.Tab value="stats">Stats</Tabs.Tab>
              <Tabs.Tab value="logs">Logs</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="info" pt="sm">
              <ContainerInspect id={id} />
            </Tabs.Panel>
            <Tabs.Panel value="stats" pt="sm">
              <ContainerStats id={id} running={summary?.state === 'running'} />
            </Tabs.Panel>
            <Tabs.Panel value="logs" pt="sm">
              <ContainerLogs id={id} />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Drawer>
  )
}
