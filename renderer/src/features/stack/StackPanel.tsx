import { useCallback, useState } from 'react'
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Stack,
  Tabs,
  Text,
  Tooltip,
} from '@mantine/core'
import { useHotkeys } from '@mantine/hooks'
import { IconFileExport, IconPlayerPlay, IconRefresh } from '@tabler/icons-react'
import type { StackOperationKind, StackServiceName, StackStatus } from '../../../../shared/contract'
import { EngineUnreachable, ListError, ListLoading } from '../../ui/ListStates'
import { PanelHeader } from '../../ui/PanelHeader'
import { useNow } from '../../ui/useNow'
import { MaildockError } from '../../../../shared/contract'
import { useEngineStatus } from '../../transport/engine-status'
import { ExportModal } from './ExportModal'
import { ProgressView } from './ProgressView'
import { ServiceLogsDrawer } from './ServiceLogsDrawer'
import { ServicesTable, type ServiceAction } from './ServicesTable'
import { StackButtons, StackLinks } from './StackControls'
import { StackSettingsForm } from './StackSettingsForm'
import {
  describeRequest,
  isOutdated,
  retryRequestFor,
  runningInstances,
  stackStateView,
} from './stack-model'
import { useStackActions, useStackProgress, useStackStatus } from './use-stack'

const busyLabels: Record<StackOperationKind, string> = {
  up: 'Starting…',
  down: 'Stopping…',
  restart: 'Restarting…',
  start: 'Starting…',
  stop: 'Stopping…',
  scale: 'Scaling…',
}

function StateBadge({ status }: { status: StackStatus }) {
  const view = stackStateView[status.state]
  return (
    <Badge color={view.color} variant="light" size="lg" data-testid="stack-state">
      {status.busy ? busyLabels[status.busy.kind] : view.label}
    </Badge>
  )
}

function NotCreated({ onStart, disabled }: { onStart: () => void; disabled: boolean }) {
  return (
    <Paper withBorder p="lg" data-testid="stack-absent">
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={4}>
          <Text fw={600}>The stack is not created yet</Text>
          <Text size="sm" c="dimmed">
            Start builds the api, emailer and logger images (the first time takes a minute or two),
            creates the network and volumes, starts the broker and waits until it is healthy, then
            starts the other services.
          </Text>
        </Stack>
        <Button
          size="md"
          color="green"
          style={{ flex: 'none' }}
          leftSection={<IconPlayerPlay size={18} />}
          onClick={onStart}
          disabled={disabled}
        >
          Start the stack
        </Button>
      </Group>
    </Paper>
  )
}

function Resources({ status }: { status: StackStatus }) {
  const items = [
    { kind: 'network', name: status.network.name, exists: status.network.exists },
    ...status.volumes.map((v) => ({ kind: 'volume', ...v })),
  ]
  return (
    <Group gap="md" data-testid="stack-resources">
      {items.map((item) => (
        <Group key={item.name} gap={6} wrap="nowrap">
          <Text size="xs" c="dimmed">
            {item.kind}
          </Text>
          <Code>{item.name}</Code>
          <Text size="xs" c={item.exists ? 'green' : 'dimmed'}>
            {item.exists ? 'exists' : 'not created'}
          </Text>
        </Group>
      ))}
    </Group>
  )
}

/** Status, progress and actions of the stack, and what the panel derives from them. */
function useStackPanel(onLogs: (service: StackServiceName) => void) {
  const { status, error, refresh, offer } = useStackStatus()
  const operation = useStackProgress()
  const actions = useStackActions(offer)
  const engine = useEngineStatus()

  const { run, pending, lastRequest } = actions
  const start = useCallback(() => void run({ kind: 'up' }), [run])
  const onAction = useCallback(
    (service: StackServiceName, action: ServiceAction) => {
      if (action === 'logs') onLogs(service)
      else void run({ kind: action, service })
    },
    [run, onLogs],
  )
  const onScale = useCallback((replicas: number) => void run({ kind: 'scale', replicas }), [run])
  useHotkeys([['mod+shift+Enter', start]])

  const unreachable =
    status?.engine.state === 'unreachable'
      ? (status.engine.error ?? 'The Docker engine does not answer.')
      : engine?.state === 'unreachable'
        ? engine.error
        : null
  return {
    status,
    error,
    refresh,
    operation,
    actions,
    start,
    onAction,
    onScale,
    unreachable,
    starting: pending.some((r) => r.kind === 'up'),
    stopping: pending.some((r) => r.kind === 'down'),
    outdated: status?.services.some(isOutdated) ?? false,
    retry: operation ? retryRequestFor(operation, lastRequest) : null,
  }
}

type StackPanelState = ReturnType<typeof useStackPanel>

/**
 * The one-click stack: Start and Stop, the step-by-step progress of what runs, each service with
 * its actions, the links, compose export and the stack's settings.
 */
export function StackPanel() {
  const [hiddenOperation, setHiddenOperation] = useState<string | null>(null)
  const [logsOf, setLogsOf] = useState<StackServiceName | null>(null)
  const [exporting, setExporting] = useState(false)
  const [tab, setTab] = useState<string | null>('services')
  const panel = useStackPanel(setLogsOf)
  const { status, operation, retry, unreachable, start, starting } = panel
  const { run, pending } = panel.actions
  const showProgress = operation !== undefined && operation.id !== hiddenOperation

  return (
    <Stack gap="sm">
      <StackHeader panel={panel} onExport={() => setExporting(true)} />

      {status && !unreachable && <StackLinks status={status} />}

      {operation && showProgress && (
        <ProgressView
          key={operation.id}
          operation={operation}
          onRetry={retry ? () => void run(retry) : null}
          retryLabel={retry ? `Retry: ${describeRequest(retry).toLowerCase()}` : 'Retry'}
          retrying={retry !== null && pending.some((r) => r.kind === retry.kind)}
          onHide={() => setHiddenOperation(operation.id)}
        />
      )}

      {status?.state === 'absent' && !showProgress && !unreachable && (
        <NotCreated onStart={start} disabled={starting || status.busy !== null} />
      )}

      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="services">
            Services
            {status && status.state !== 'unknown' && (
              <Text span size="xs" c="dimmed" ml={6}>
                {status.services.reduce((n, s) => n + runningInstances(s).length, 0)} containers
                running
              </Text>
            )}
          </Tabs.Tab>
          <Tabs.Tab value="settings">Settings</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="services" pt="sm">
          <ServicesBody panel={panel} />
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="sm">
          <StackSettingsForm />
        </Tabs.Panel>
      </Tabs>

      <ServiceLogsDrawer
        service={logsOf}
        instances={status?.services.find((s) => s.service === logsOf)?.instances.length ?? 1}
        onClose={() => setLogsOf(null)}
      />
      <ExportModal opened={exporting} onClose={() => setExporting(false)} />
    </Stack>
  )
}

/** The title with the running count, the state, Start/Stop, export and refresh. */
function StackHeader({ panel, onExport }: { panel: StackPanelState; onExport: () => void }) {
  const { status, starting, stopping, outdated, start, refresh } = panel
  const enabled = status?.services.filter((s) => s.enabled && s.desiredReplicas > 0) ?? []
  const running = enabled.filter((s) => s.state === 'running').length
  return (
    <PanelHeader
      title="Stack"
      count={status && status.state !== 'unknown' ? `${running}/${enabled.length}` : undefined}
    >
      {status && <StateBadge status={status} />}
      {status && (
        <Text size="xs" c="dimmed" ff="monospace">
          {status.name}
        </Text>
      )}
      <StackButtons
        status={status}
        starting={starting}
        stopping={stopping}
        outdated={outdated}
        onStart={start}
        onStop={(volumes) => void panel.actions.run({ kind: 'down', volumes })}
      />
      <Tooltip label="Export as a compose file">
        <ActionIcon variant="default" size={36} aria-label="Export compose file" onClick={onExport}>
          <IconFileExport size={18} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Read the status again">
        <ActionIcon variant="default" size={36} aria-label="Refresh" onClick={refresh}>
          <IconRefresh size={18} />
        </ActionIcon>
      </Tooltip>
    </PanelHeader>
  )
}

/** The Services tab: the engine's or the status's trouble, or the services and resources. */
function ServicesBody({ panel }: { panel: StackPanelState }) {
  const { status, error, refresh, unreachable, onAction, onScale } = panel
  const now = useNow(5_000)
  if (unreachable) return <EngineUnreachable message={unreachable} />
  if (!status && error)
    return <ListError error={MaildockError.fromPayload(error)} onRetry={refresh} />
  if (!status) return <ListLoading what="the stack" />
  return (
    <Stack gap="sm">
      {error && (
        <Alert color="yellow" p="xs" role="alert">
          <Group gap="xs" justify="space-between">
            <Text size="sm">Live status stopped: {error.message}</Text>
            <Button size="compact-xs" variant="subtle" color="yellow" onClick={refresh}>
              Reconnect
            </Button>
          </Group>
        </Alert>
      )}
      {status.problems.map((p) => (
        <Alert key={p} color="yellow" p="xs">
          {p}
        </Alert>
      ))}
      <ServicesTable
        services={status.services}
        now={now}
        busyService={panel.actions.busyService}
        onAction={onAction}
        onScale={onScale}
      />
      <Resources status={status} />
    </Stack>
  )
}
