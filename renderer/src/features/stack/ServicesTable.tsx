import { useMemo, useState } from 'react'
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  NumberInput,
  Text,
  Tooltip,
} from '@mantine/core'
import { IconFileText, IconPlayerPlay, IconPlayerStop, IconRefresh } from '@tabler/icons-react'
import type { StackServiceName, StackServiceStatus } from '../../../../shared/contract'
import { DataTable, type Column, type SortState } from '../../ui/DataTable'
import { StatusDot } from '../../ui/StatusDot'
import {
  formatUptime,
  isOutdated,
  publishedPorts,
  runningInstances,
  serviceDot,
  serviceLabels,
  serviceRestarts,
  serviceRoles,
  serviceStartedAt,
} from './stack-model'
import { numberRanges } from './settings-model'

export type ServiceAction = 'start' | 'stop' | 'restart' | 'logs'

const healthColor = { healthy: 'green', unhealthy: 'red', starting: 'yellow', none: 'gray' }

function HealthCell({ service }: { service: StackServiceStatus }) {
  if (service.health === 'none' || runningInstances(service).length === 0)
    return (
      <Text size="sm" c="dimmed" span>
        —
      </Text>
    )
  const output = service.instances.find((i) => i.healthOutput)?.healthOutput
  return (
    <Badge
      size="sm"
      variant="light"
      color={healthColor[service.health]}
      title={output ?? undefined}
      data-testid={`health-${service.service}`}
    >
      {service.health}
    </Badge>
  )
}

function StateCell({ service }: { service: StackServiceStatus }) {
  const running = runningInstances(service).length
  const exited = service.instances.find((i) => i.state === 'exited' && i.exitCode !== null)
  const words = service.enabled ? service.state : 'disabled'
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" span data-testid={`state-${service.service}`}>
        {words}
      </Text>
      {service.enabled && service.desiredReplicas > 1 && (
        <Text size="xs" c="dimmed" span>
          {running}/{service.desiredReplicas}
        </Text>
      )}
      {exited && service.state !== 'running' && (
        <Text size="xs" c="dimmed" span>
          exit {exited.exitCode}
        </Text>
      )}
    </Group>
  )
}

/** Published ports as links to 127.0.0.1 when they serve a web page, text otherwise (AMQP). */
function PortsCell({ service }: { service: StackServiceStatus }) {
  const ports = publishedPorts(service)
  if (ports.length === 0)
    return (
      <Text size="sm" c="dimmed" span>
        —
      </Text>
    )
  return (
    <Group gap={10} wrap="nowrap" ff="monospace" fz="xs">
      {ports.map((port) => {
        const url = `http://127.0.0.1:${port.hostPort}`
        const text = `${port.hostPort}→${port.containerPort}`
        return service.links.some((l) => l.url.startsWith(url)) ? (
          <Anchor
            key={text}
            href={url}
            target="_blank"
            rel="noreferrer"
            size="xs"
            ff="monospace"
            title={url}
          >
            {text}
          </Anchor>
        ) : (
          <span key={text} title={`127.0.0.1:${port.hostPort} (${port.protocol}, not a web page)`}>
            {text}
          </span>
        )
      })}
    </Group>
  )
}

/** The emailer's replica count, applied with Scale (saved in the settings too). */
function ScaleControl({
  service,
  busy,
  onScale,
}: {
  service: StackServiceStatus
  busy: boolean
  onScale: (replicas: number) => void
}) {
  const [value, setValue] = useState<number | string>(service.desiredReplicas)
  const replicas = typeof value === 'number' ? value : Number.NaN
  const { min = 0, max = Infinity } = numberRanges.emailerReplicas
  const valid = Number.isInteger(replicas) && replicas >= min && replicas <= max
  const changed = valid && replicas !== service.desiredReplicas
  return (
    <Group gap={4} wrap="nowrap">
      <NumberInput
        size="xs"
        w={64}
        min={min}
        max={max}
        allowDecimal={false}
        allowNegative={false}
        clampBehavior="strict"
        value={value}
        onChange={setValue}
        error={!valid}
        aria-label="Emailer replicas"
        onKeyDown={(event) => {
          if (event.key === 'Enter' && changed) onScale(replicas)
        }}
      />
      {changed && (
        <Button size="compact-xs" onClick={() => onScale(replicas)} loading={busy}>
          Scale
        </Button>
      )}
    </Group>
  )
}

function RowActions({
  service,
  busy,
  onAction,
}: {
  service: StackServiceStatus
  busy: boolean
  onAction: (action: ServiceAction) => void
}) {
  const name = serviceLabels[service.service]
  const exists = service.instances.some((i) => i.state !== 'missing')
  const anyRunning = runningInstances(service).length > 0
  const usable = service.enabled && exists
  return (
    <Group gap={2} wrap="nowrap" justify="flex-end">
      {busy ? (
        <Loader size={16} role="img" aria-label={`${name} busy`} />
      ) : anyRunning ? (
        <Tooltip label={`Stop ${name}`}>
          <ActionIcon
            size="sm"
            variant="subtle"
            color="red"
            aria-label={`Stop ${name}`}
            onClick={() => onAction('stop')}
          >
            <IconPlayerStop size={16} />
          </ActionIcon>
        </Tooltip>
      ) : (
        <Tooltip label={usable ? `Start ${name}` : 'Not created: start the stack'}>
          <ActionIcon
            size="sm"
            variant="subtle"
            color="green"
            aria-label={`Start ${name}`}
            disabled={!usable}
            onClick={() => onAction('start')}
          >
            <IconPlayerPlay size={16} />
          </ActionIcon>
        </Tooltip>
      )}
      <Tooltip label={`Restart ${name}`}>
        <ActionIcon
          size="sm"
          variant="subtle"
          color="gray"
          aria-label={`Restart ${name}`}
          disabled={!usable || busy}
          onClick={() => onAction('restart')}
        >
          <IconRefresh size={16} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={`Logs of ${name}`}>
        <ActionIcon
          size="sm"
          variant="subtle"
          color="gray"
          aria-label={`Logs of ${name}`}
          disabled={!exists}
          onClick={() => onAction('logs')}
        >
          <IconFileText size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  )
}

const order: StackServiceName[] = ['broker', 'catcher', 'api', 'emailer', 'logger']
const byOrder = (a: StackServiceStatus, b: StackServiceStatus) =>
  order.indexOf(a.service) - order.indexOf(b.service)

function ServiceNameCell({ service: s }: { service: StackServiceStatus }) {
  return (
    <Group gap={8} wrap="nowrap" title={serviceRoles[s.service]}>
      <StatusDot state={serviceDot(s)} label={`${s.service} ${s.state}`} />
      <Text size="sm" fw={500} span>
        {serviceLabels[s.service]}
      </Text>
      {isOutdated(s) && (
        <Tooltip label="Its settings changed: the next Start re-creates it">
          <Badge size="xs" color="orange" variant="light">
            outdated
          </Badge>
        </Tooltip>
      )}
    </Group>
  )
}

/** What each service is and how it runs: name, state, health, ports, uptime, restarts. */
function statusColumns(now: number): Column<StackServiceStatus>[] {
  return [
    {
      key: 'service',
      header: 'Service',
      width: '17%',
      compare: byOrder,
      render: (s) => <ServiceNameCell service={s} />,
    },
    {
      key: 'state',
      header: 'State',
      width: 130,
      compare: (a, b) => a.state.localeCompare(b.state),
      render: (s) => <StateCell service={s} />,
    },
    {
      key: 'health',
      header: 'Health',
      width: 124,
      compare: (a, b) => a.health.localeCompare(b.health),
      render: (s) => <HealthCell service={s} />,
    },
    {
      key: 'ports',
      header: 'Ports on 127.0.0.1',
      interactive: true,
      render: (s) => <PortsCell service={s} />,
    },
    {
      key: 'uptime',
      header: 'Uptime',
      width: 96,
      compare: (a, b) => (serviceStartedAt(b) ?? now) - (serviceStartedAt(a) ?? now),
      mono: true,
      render: (s) => {
        const started = serviceStartedAt(s)
        return started === null ? '—' : formatUptime(now - started)
      },
    },
    {
      key: 'restarts',
      header: 'Restarts',
      width: 84,
      align: 'right',
      mono: true,
      compare: (a, b) => serviceRestarts(a) - serviceRestarts(b),
      render: (s) => String(serviceRestarts(s)),
    },
  ]
}

interface ServiceHandlers {
  busyService: (service: StackServiceName) => boolean
  onAction: (service: StackServiceName, action: ServiceAction) => void
  onScale: (replicas: number) => void
}

/** What the user changes: the replicas and the row's actions. */
function controlColumns({
  busyService,
  onAction,
  onScale,
}: ServiceHandlers): Column<StackServiceStatus>[] {
  return [
    {
      key: 'replicas',
      header: 'Replicas',
      width: 140,
      interactive: true,
      render: (s) =>
        s.service === 'emailer' ? (
          <ScaleControl
            key={s.desiredReplicas}
            service={s}
            busy={busyService('emailer')}
            onScale={onScale}
          />
        ) : (
          <Text size="sm" ff="monospace" span>
            {runningInstances(s).length}/{s.desiredReplicas}
          </Text>
        ),
    },
    {
      key: 'actions',
      header: '',
      width: 96,
      interactive: true,
      render: (s) => (
        <RowActions
          service={s}
          busy={busyService(s.service)}
          onAction={(action) => onAction(s.service, action)}
        />
      ),
    },
  ]
}

/** One row per service of the stack: state, health, ports, uptime, restarts, replicas, actions. */
export function ServicesTable({
  services,
  now,
  busyService,
  onAction,
  onScale,
}: ServiceHandlers & { services: StackServiceStatus[]; now: number }) {
  const [sort, setSort] = useState<SortState>({ key: 'service', direction: 'asc' })
  const columns = useMemo(
    () => [...statusColumns(now), ...controlColumns({ busyService, onAction, onScale })],
    [now, busyService, onAction, onScale],
  )
  return (
    <DataTable
      label="Stack services"
      columns={columns}
      rows={services}
      rowKey={(s) => s.service}
      sort={sort}
      onSortChange={setSort}
      onOpen={(s) => onAction(s.service, 'logs')}
      emptyText="No services."
      maxHeight="none"
    />
  )
}
