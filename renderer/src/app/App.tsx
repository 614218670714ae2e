import { useEffect, useState, type ReactNode } from 'react'
import { AppShell, Badge, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core'
import { useHotkeys } from '@mantine/hooks'
import { ContainersPanel } from '../features/containers/ContainersPanel'
import { BrokerPanel } from '../features/broker/BrokerPanel'
import { brokerDot, useBrokerConnection } from '../features/broker/BrokerStatusBadge'
import { EnginePanel } from '../features/engine/EnginePanel'
import { LogsPanel } from '../features/logs/LogsPanel'
import { TailPanel } from '../features/tail/TailPanel'
import { ImagesPanel } from '../features/images/ImagesPanel'
import { NetworksPanel } from '../features/networks/NetworksPanel'
import { SettingsPanel } from '../features/settings/SettingsPanel'
import { VolumesPanel } from '../features/volumes/VolumesPanel'
import { useEngineStatus } from '../features/engine/engine-status'
import { SendPanel } from '../features/send/SendPanel'
import { StackNavDot } from '../features/stack/StackNavDot'
import { StackPanel } from '../features/stack/StackPanel'
import { FailureAlerts } from '../features/tracking/FailureAlerts'
import { TrackingPanel } from '../features/tracking/TrackingPanel'
import { StatusDot, type DotState } from '../ui/StatusDot'
import { panelFromHash, panels, type PanelId } from './panels'

function usePanel(): [PanelId, (id: PanelId) => void] {
  const [panel, setPanel] = useState<PanelId>(() => panelFromHash(window.location.hash))
  useEffect(() => {
    const onHash = () => setPanel(panelFromHash(window.location.hash))
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  return [
    panel,
    (id) => {
      window.location.hash = `/${id}`
    },
  ]
}

function renderPanel(id: PanelId): ReactNode {
  switch (id) {
    case 'engine':
      return <EnginePanel />
    case 'stack':
      return <StackPanel />
    case 'containers':
      return <ContainersPanel />
    case 'images':
      return <ImagesPanel />
    case 'networks':
      return <NetworksPanel />
    case 'volumes':
      return <VolumesPanel />
    case 'send':
      return <SendPanel />
    case 'emails':
      return <TrackingPanel />
    case 'broker':
      return <BrokerPanel />
    case 'tail':
      return <TailPanel />
    case 'logs':
      return <LogsPanel />
    case 'settings':
      return <SettingsPanel />
  }
}

export function App() {
  const [panel, setPanel] = usePanel()
  const engine = useEngineStatus()
  const broker = useBrokerConnection()
  const engineDot: DotState =
    engine?.state === 'connected' ? 'ok' : engine?.state === 'unreachable' ? 'error' : 'idle'
  const counts: Partial<Record<PanelId, number>> =
    engine?.state === 'connected'
      ? {
          containers: engine.info.containers.total,
          networks: engine.info.networks,
          volumes: engine.info.volumes,
        }
      : {}

  useHotkeys(panels.slice(0, 9).map((p, i) => [`mod+${i + 1}`, () => setPanel(p.id)]))

  return (
    <AppShell navbar={{ width: 220, breakpoint: 0 }} padding="lg">
      <AppShell.Navbar p="xs" aria-label="Panels">
        <Group px="sm" py="xs" gap="xs">
          <Title order={4}>MailDock</Title>
        </Group>
        <ScrollArea>
          {panels.map((p, i) => (
            <NavLink
              key={p.id}
              href={`#/${p.id}`}
              label={p.label}
              active={panel === p.id}
              aria-current={panel === p.id ? 'page' : undefined}
              leftSection={
                p.id === 'engine' ? (
                  <StatusDot state={engineDot} label={`engine ${engine?.state ?? 'connecting'}`} />
                ) : p.id === 'stack' ? (
                  <StackNavDot />
                ) : p.id === 'broker' ? (
                  <StatusDot
                    state={brokerDot(broker?.state)}
                    label={`broker ${broker?.state ?? 'connecting'}`}
                  />
                ) : undefined
              }
              rightSection={
                counts[p.id] !== undefined ? (
                  <Badge size="sm" variant="light" ff="monospace">
                    {counts[p.id]}
                  </Badge>
                ) : i < 9 ? (
                  <Text size="xs" c="dimmed">
                    {`⌘${i + 1}`.replace('⌘', navigator.platform.includes('Mac') ? '⌘' : 'Ctrl+')}
                  </Text>
                ) : undefined
              }
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>{renderPanel(panel)}</AppShell.Main>
      <FailureAlerts />
    </AppShell>
  )
}
