import { useMemo } from 'react'
import { Badge, Button, Group, Text } from '@mantine/core'
import type { ContainerAction, ContainerSummary } from '../../../../shared/contract'
import type { Column, TableSection } from '../../ui/DataTable'
import { formatAge, shortId } from '../../ui/format'
import { MiddleEllipsis } from '../../ui/MiddleEllipsis'
import { HealthBadge, PortsCell, RowActions, StateCell } from './container-cells'
import { compareContainers, groupContainers, isUp, type ContainerSection } from './container-filter'

type SectionAction = (action: ContainerAction, rows: ContainerSummary[]) => void

function SectionHeader({
  section,
  onAction,
}: {
  section: ContainerSection
  onAction: SectionAction
}) {
  const up = section.rows.filter((c) => isUp(c.state)).length
  return (
    <Group gap={8} wrap="nowrap" style={{ flex: 1 }} data-testid={`group-${section.name}`}>
      {section.kind !== 'none' && (
        <Badge size="xs" variant="outline" color={section.kind === 'stack' ? 'indigo' : 'gray'}>
          {section.kind}
        </Badge>
      )}
      <Text fw={600} size="sm">
        {section.name}
      </Text>
      <Text size="xs" c="dimmed">
        {up}/{section.rows.length} running
      </Text>
      {section.kind !== 'none' && (
        <Group gap={4} ml="auto">
          {up < section.rows.length && (
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => onAction('start', section.rows)}
            >
              Start all
            </Button>
          )}
          {up > 0 && (
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              onClick={() =>
                onAction(
                  'stop',
                  section.rows.filter((c) => isUp(c.state)),
                )
              }
            >
              Stop all
            </Button>
          )}
        </Group>
      )}
    </Group>
  )
}

/** Rows grouped by compose project or stack, or undefined for a flat table (off, or no groups). */
export function useContainerSections(
  grouped: boolean,
  visible: ContainerSummary[],
  onAction: SectionAction,
): TableSection<ContainerSummary>[] | undefined {
  return useMemo(() => {
    if (!grouped) return undefined
    const groups = groupContainers(visible)
    if (groups.length === 1 && groups[0]!.kind === 'none') return undefined
    return groups.map((section) => ({
      key: section.key,
      rows: section.rows,
      header: <SectionHeader section={section} onAction={onAction} />,
    }))
  }, [grouped, visible, onAction])
}

function containerColumns(
  now: number,
  busy: ReadonlySet<string>,
  act: SectionAction,
): Column<ContainerSummary>[] {
  return [
    {
      key: 'name',
      header: 'Name',
      compare: compareContainers.name,
      render: (c) => (
        <Text size="sm" fw={500} span>
          <MiddleEllipsis text={c.name} />
        </Text>
      ),
    },
    {
      key: 'image',
      header: 'Image',
      width: '12%',
      compare: compareContainers.image,
      mono: true,
      // An image whose tag moved on is shown by id, as `docker ps` does.
      render: (c) => (c.image.startsWith('sha256:') ? shortId(c.image) : c.image),
    },
    {
      key: 'state',
      header: 'State',
      width: 140,
      compare: compareContainers.state,
      render: (c) => <StateCell state={c.state} status={c.status} />,
    },
    {
      key: 'health',
      header: 'Health',
      width: 96,
      compare: compareContainers.health,
      render: (c) => <HealthBadge health={c.health} />,
    },
    {
      key: 'ports',
      header: 'Ports',
      width: 320,
      compare: compareContainers.ports,
      interactive: true,
      render: (c) => <PortsCell ports={c.ports} />,
    },
    {
      key: 'created',
      header: 'Created',
      width: 90,
      compare: compareContainers.created,
      render: (c) => (
        <Text size="xs" span>
          {formatAge(c.created, now)}
        </Text>
      ),
    },
    {
      key: 'actions',
      header: '',
      width: 64,
      compact: true,
      interactive: true,
      render: (c) => (
        <RowActions container={c} busy={busy.has(c.id)} onAction={(action) => act(action, [c])} />
      ),
    },
  ]
}

export function useContainerColumns(now: number, busy: ReadonlySet<string>, act: SectionAction) {
  return useMemo(() => containerColumns(now, busy, act), [now, busy, act])
}
