import { useCallback, useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react'
import type { StackStatus } from '../../../shared/contract'
import { AppShell, Badge, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core'
import { ContainersPanel } from '../features/containers/ContainersPanel'
import { BrokerPanel } from '../features/broker/BrokerPanel'
import { brokerDot, useBrokerConnection } from '../ui/BrokerStatusBadge'
import { EnginePanel } from '../features/engine/EnginePanel'
import { LogsPanel } from '../features/logs/LogsPanel'
import { ChaosBanner } from '../features/mailbox/ChaosBanner'
import { MailboxPanel } from '../features/mailbox/MailboxPanel'
import { TailPanel } from '../features/tail/TailPanel'
import { ImagesPanel } from '../features/images/ImagesPanel'
import { NetworksPanel } from '../features/networks/NetworksPanel'
import { SettingsPanel } from '../features/settings/SettingsPanel'
import { settingsSections } from './settings-sections'
import { VolumesPanel } from '../features/volumes/VolumesPanel'
import { useEngineStatus } from '../transport/engine-status'
import { SendPanel } from '../features/send/SendPanel'
import { StackNavDot } from '../features/stack/StackNavDot'
import { StackPanel } from '../features/stack/StackPanel'
import { FailureAlerts } from '../features/tracking/FailureAlerts'
import { TrackingPanel } from '../features/tracking/TrackingPanel'
import { StatusDot, type DotState } from '../ui/StatusDot'
import { useSubscription } from '../transport/hooks'
import { CommandPalette } from './CommandPalette'
import { StackBanner } from './StackBanner'
import classes from './App.module.css'
import { panelFromHash, panels, type PanelId } from './panels'
import { panelShortcutAria, panelShortcutLabel, useGlobalShortcuts } from './shortcuts'

function usePanel(): [PanelId, (id: PanelId) => void] {
  const [panel, setPanel] = useState<PanelId>(() => panelFromHash(window.location.hash))
  useEffect(() => {
    const onHash = () => setPanel(panelFromHash(window.location.hash))
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  const go = useCallback((id: PanelId) => {
    window.location.hash = `/${id}`
  }, [])
  return [panel, go]
}

/** Panels that show nothing useful until the stack runs. */
const needsStack = new Set<PanelId>(['send', 'emails'])
/** Panels that warn while the catcher rejects mail on purpose (failure injection). */
const chaosPanels = new Set<PanelId>(['send', 'emails', 'mailbox'])

/**
 * A first start with no stack opens on Stack, unless a panel is already named in the URL: at
 * start, or chosen before the stack's state arrived (the user must not be pulled away).
 */
function useFirstRunPanel(stack: StackStatus | undefined, setPanel: (id: PanelId) => void): void {
  const decided = useRef(false)
  useEffect(() => {
    if (decided.current || stack === undefined) return
    decided.current = true
    const askedFor = panels.some((p) => window.location.hash === `#/${p.id}`)
    if (!askedFor && stack.state === 'absent') setPanel('stack')
  }, [stack, setPanel])
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
    case 'mailbox':
      return <MailboxPanel />
    case 'broker':
      return <BrokerPanel />
    case 'tail':
      return <TailPanel />
    case 'logs':
      return <LogsPanel />
    case 'settings':
      return <SettingsPanel sections={settingsSections} />
  }
}

export function App() {
  const [panel, setPanel] = usePanel()
  const stack = useSubscription('stack:changed', {}).data
  useFirstRunPanel(stack, setPanel)
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

  const [paletteOpen, setPaletteOpen] = useState(false)
  const openPalette = useCallback(() => setPaletteOpen(true), [])
  const goToIndex = useCallback(
    (index: number) => {
      const target = panels[index]
      if (target) setPanel(target.id)
    },
    [setPanel],
  )
  useGlobalShortcuts(goToIndex, openPalette)

  return (
    <AppShell navbar={{ width: 232, breakpoint: 0 }} padding="lg">
      <a href="#main" className={classes.skipLink} onClick={skipToMain}>
        Skip to content
      </a>
      <AppShell.Navbar p="xs" aria-label="Panels">
        <Group px="sm" py="xs" gap="xs" justify="space-between">
          <Title order={1} size="h4">
            MailDock
          </Title>
          <Text size="xs" c="dimmed" title="Command palette">
            {`${navigator.platform.includes('Mac') ? '⌘' : 'Ctrl+'}K`}
          </Text>
        </Group>
        <ScrollArea>
          {panels.map((p, i) => (
            <NavLink
              key={p.id}
              href={`#/${p.id}`}
              label={p.label}
              active={panel === p.id}
              aria-current={panel === p.id ? 'page' : undefined}
              aria-keyshortcuts={panelShortcutAria(i)}
              leftSection={navDot(p.id, engineDot, engine?.state, broker?.state)}
              rightSection={
                <Group gap={6} wrap="nowrap">
                  {counts[p.id] !== undefined && (
                    <Badge size="sm" variant="light" ff="monospace">
                      {counts[p.id]}
                    </Badge>
                  )}
                  <Text size="xs" c="dimmed" className={classes.hint} aria-hidden>
                    {panelShortcutLabel(i)}
                  </Text>
                </Group>
              }
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} className={classes.main}>
        {needsStack.has(panel) && <StackBanner status={stack} />}
        {chaosPanels.has(panel) && <ChaosBanner />}
        {renderPanel(panel)}
      </AppShell.Main>
      <CommandPalette
        opened={paletteOpen}
        onClose={() => setPaletteOpen(false)}
        onPanel={setPanel}
      />
      <FailureAlerts />
    </AppShell>
  )
}

/** The panels live in the URL's hash, so the skip link moves focus instead of navigating. */
function skipToMain(event: MouseEvent<HTMLAnchorElement>): void {
  event.preventDefault()
  document.getElementById('main')?.focus()
}

function navDot(
  id: PanelId,
  engineDot: DotState,
  engineState: string | undefined,
  brokerState: Parameters<typeof brokerDot>[0],
): ReactNode {
  if (id === 'engine')
    return <StatusDot state={engineDot} label={`engine ${engineState ?? 'connecting'}`} />
  if (id === 'stack') return <StackNavDot />
  if (id === 'broker')
    return (
      <StatusDot state={brokerDot(brokerState)} label={`broker ${brokerState ?? 'connecting'}`} />
    )
  return undefined
}
