import { ActionIcon, Anchor, Badge, Group, Loader, Menu, Text } from '@mantine/core'
import {
  IconDots,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlayerStop,
  IconRefresh,
  IconSkull,
  IconTrash,
} from '@tabler/icons-react'
import type {
  ContainerAction,
  ContainerState,
  ContainerSummary,
  PortMapping,
} from '../../../../shared/contract'
import { formatPort } from '../../ui/format'
import { StatusDot, type DotState } from '../../ui/StatusDot'
import { actionsFor } from './container-filter'
import { actionLabels } from './use-container-actions'

export const stateDot = (state: ContainerState): DotState =>
  state === 'running'
    ? 'ok'
    : state === 'paused' || state === 'restarting' || state === 'removing'
      ? 'warn'
      : state === 'dead'
        ? 'error'
        : 'idle'

/** The engine's status words without the health suffix (health has its own column). */
const uptime = (status: string) =>
  status.replace(/\s*\((healthy|unhealthy|health: starting)\)$/, '')

export function StateCell({ state, status }: { state: ContainerState; status?: string }) {
  return (
    <Group gap={6} wrap="nowrap" title={status}>
      <StatusDot state={stateDot(state)} label={state} />
      <Text size="sm" span>
        {state}
      </Text>
      {status && (
        <Text size="xs" c="dimmed" span truncate>
          {uptime(status)}
        </Text>
      )}
    </Group>
  )
}

const healthColor = { healthy: 'green', unhealthy: 'red', starting: 'yellow', none: 'gray' }

export function HealthBadge({ health }: { health: ContainerSummary['health'] }) {
  if (health === 'none')
    return (
      <Text size="sm" c="dimmed" span>
        —
      </Text>
    )
  return (
    <Badge size="sm" variant="light" color={healthColor[health]} tt="none">
      {health}
    </Badge>
  )
}

const browserHost = (ip: string | undefined) =>
  !ip || ip === '0.0.0.0' || ip === '::' ? 'localhost' : ip.includes(':') ? `[${ip}]` : ip

const isPublished = (port: PortMapping) => port.hostPort !== undefined

/** Published ports first (by host port), then the ones only the container's network reaches. */
export function orderPorts(ports: readonly PortMapping[]): PortMapping[] {
  const published = ports.filter(isPublished).sort((a, b) => (a.hostPort ?? 0) - (b.hostPort ?? 0))
  return [...published, ...ports.filter((port) => !isPublished(port))]
}

/** "127.0.0.1:28025→8025" (tcp goes without saying; udp is named). */
export const portText = (port: PortMapping): string => formatPort(port).replace(/\/tcp$/, '')

const SHOWN_PORTS = 2

/**
 * Ports, never cut: published first, each in full (tcp ones link to http://host:port); what does
 * not fit the first line is hidden whole, and "+N" with the full list on hover says how many.
 */
export function PortsCell({ ports }: { ports: PortMapping[] }) {
  if (ports.length === 0)
    return (
      <Text size="sm" c="dimmed" span>
        —
      </Text>
    )
  const ordered = orderPorts(ports)
  const shown = ordered.slice(0, SHOWN_PORTS)
  const rest = ordered.length - shown.length
  return (
    <Group
      gap={8}
      ff="monospace"
      fz="xs"
      title={ordered.map(formatPort).join('\n')}
      style={{ flexWrap: 'wrap', maxHeight: '1.6em', overflow: 'hidden' }}
      data-testid="ports-cell"
    >
      {shown.map((port) =>
        isPublished(port) && port.protocol === 'tcp' ? (
          <Anchor
            key={formatPort(port)}
            href={`http://${browserHost(port.hostIp)}:${port.hostPort}`}
            target="_blank"
            rel="noreferrer"
            size="xs"
            ff="monospace"
            style={portStyle}
            data-testid="port"
          >
            {portText(port)}
          </Anchor>
        ) : (
          <span key={formatPort(port)} style={portStyle} data-testid="port">
            {portText(port)}
          </span>
        ),
      )}
      {rest > 0 && <Text size="xs" c="dimmed" span style={portStyle}>{`+${rest}`}</Text>}
    </Group>
  )
}

const portStyle = { whiteSpace: 'nowrap', flex: 'none' } as const

const icons: Record<ContainerAction, typeof IconPlayerPlay> = {
  start: IconPlayerPlay,
  stop: IconPlayerStop,
  restart: IconRefresh,
  pause: IconPlayerPause,
  unpause: IconPlayerPlay,
  kill: IconSkull,
  remove: IconTrash,
}

/** The row's main action as a button (start or stop) and every other one in a menu. */
export function RowActions({
  container,
  busy,
  onAction,
}: {
  container: ContainerSummary
  busy: boolean
  onAction: (action: ContainerAction) => void
}) {
  const actions = actionsFor(container.state)
  const primary = actions.find((a) => a === 'start' || a === 'stop' || a === 'unpause')
  const PrimaryIcon = primary ? icons[primary] : IconPlayerPlay
  return (
    <Group gap={2} wrap="nowrap" justify="flex-end">
      {busy ? (
        <Loader size={16} role="img" aria-label={`${container.name} busy`} />
      ) : primary ? (
        <ActionIcon
          size="sm"
          title={actionLabels[primary]}
          variant="subtle"
          color={primary === 'stop' ? 'red' : 'green'}
          aria-label={`${actionLabels[primary]} ${container.name}`}
          onClick={() => onAction(primary)}
        >
          <PrimaryIcon size={16} />
        </ActionIcon>
      ) : null}
      <Menu position="bottom-end" withinPortal shadow="md">
        <Menu.Target>
          <ActionIcon
            size="sm"
            variant="subtle"
            color="gray"
            aria-label={`Actions for ${container.name}`}
          >
            <IconDots size={16} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {actions.map((action) => {
            const Icon = icons[action]
            return (
              <Menu.Item
                key={action}
                leftSection={<Icon size={14} />}
                color={action === 'remove' || action === 'kill' ? 'red' : undefined}
                onClick={() => onAction(action)}
              >
                {action === 'remove' ? 'Remove…' : actionLabels[action]}
              </Menu.Item>
            )
          })}
        </Menu.Dropdown>
      </Menu>
    </Group>
  )
}
