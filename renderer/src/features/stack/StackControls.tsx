import { useState } from 'react'
import { ActionIcon, Anchor, Button, Code, Group, List, Menu, Paper, Text } from '@mantine/core'
import {
  IconChevronDown,
  IconExternalLink,
  IconPlayerPlay,
  IconPlayerStop,
  IconTrash,
} from '@tabler/icons-react'
import type { StackStatus } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { notifyDone, notifyError } from '../../ui/notify'

/** Start, and Stop / Stop and remove volumes behind a confirmation. */
export function StackButtons({
  status,
  starting,
  stopping,
  outdated,
  onStart,
  onStop,
}: {
  status: StackStatus | undefined
  starting: boolean
  stopping: boolean
  outdated: boolean
  onStart: () => void
  /** Starts the operation; the dialog closes at once and the progress view follows it. */
  onStop: (volumes: boolean) => void
}) {
  const [confirm, setConfirm] = useState<'stop' | 'volumes' | null>(null)
  const reachable = status?.engine.state === 'connected'
  const busy = starting || stopping || status?.busy != null
  const exists = status !== undefined && status.state !== 'absent' && status.state !== 'unknown'
  const volumes = status?.volumes.filter((v) => v.exists).map((v) => v.name) ?? []
  const startLabel = status?.state === 'up' ? (outdated ? 'Apply changes' : 'Start') : 'Start'
  return (
    <>
      {/* A title, not a Tooltip: a tooltip stays stuck open when its button turns disabled. */}
      <Button
        color="green"
        leftSection={<IconPlayerPlay size={16} />}
        onClick={onStart}
        loading={starting || status?.busy?.kind === 'up'}
        disabled={!reachable || (busy && !starting)}
        title={
          status?.state === 'up' && !outdated
            ? 'Everything runs: Start checks and changes nothing'
            : 'Build what is missing, then start every service and wait until healthy'
        }
        data-testid="stack-start"
      >
        {startLabel}
      </Button>
      <StopSplitButton
        onStop={() => setConfirm('stop')}
        onRemoveVolumes={() => setConfirm('volumes')}
        stopping={stopping}
        stopDisabled={!reachable || !exists || (busy && !stopping)}
        menuDisabled={!reachable || busy}
      />
      <ConfirmDialog
        opened={confirm === 'stop'}
        title="Stop the stack?"
        confirmLabel="Stop"
        color="orange"
        onClose={() => setConfirm(null)}
        onConfirm={() => {
          onStop(false)
          return Promise.resolve()
        }}
      >
        <Text size="sm">
          Removes the containers of <Code>{status?.name}</Code> and its network. The volumes (the
          emails still queued in the broker, the logger&apos;s history, the emailer&apos;s
          sent-ledger) are kept for the next Start.
        </Text>
      </ConfirmDialog>
      <RemoveVolumesDialog
        opened={confirm === 'volumes'}
        volumes={volumes}
        onClose={() => setConfirm(null)}
        onConfirm={() => onStop(true)}
      />
    </>
  )
}

/** Stop, with Stop and remove volumes in the menu beside it. */
function StopSplitButton({
  onStop,
  onRemoveVolumes,
  stopping,
  stopDisabled,
  menuDisabled,
}: {
  onStop: () => void
  onRemoveVolumes: () => void
  stopping: boolean
  stopDisabled: boolean
  menuDisabled: boolean
}) {
  return (
    <Group gap={0} wrap="nowrap">
      <Button
        variant="default"
        leftSection={<IconPlayerStop size={16} />}
        onClick={onStop}
        loading={stopping}
        disabled={stopDisabled}
        style={{ borderTopRightRadius: 0, borderBottomRightRadius: 0 }}
        data-testid="stack-stop"
      >
        Stop
      </Button>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon
            variant="default"
            size={36}
            aria-label="More stop options"
            disabled={menuDisabled}
            style={{ borderTopLeftRadius: 0, borderBottomLeftRadius: 0, borderLeft: 0 }}
          >
            <IconChevronDown size={16} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={onRemoveVolumes}>
            Stop and remove volumes…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  )
}

/** Names the volumes that go before the user confirms. */
function RemoveVolumesDialog({
  opened,
  volumes,
  onClose,
  onConfirm,
}: {
  opened: boolean
  volumes: string[]
  onClose: () => void
  onConfirm: () => void
}) {
  return (
    <ConfirmDialog
      opened={opened}
      title="Stop the stack and delete its volumes?"
      confirmLabel="Stop and delete volumes"
      onClose={onClose}
      onConfirm={() => {
        onConfirm()
        return Promise.resolve()
      }}
    >
      <Text size="sm">
        Removes the containers, the network and these volumes, with everything in them. This cannot
        be undone.
      </Text>
      {volumes.length > 0 ? (
        <List size="sm" ff="monospace">
          {volumes.map((v) => (
            <List.Item key={v}>{v}</List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm" c="dimmed">
          (no volume exists right now)
        </Text>
      )}
    </ConfirmDialog>
  )
}

const linkPaths: Record<string, string> = { API: '/health' }
const BROKER_UI = 'RabbitMQ management'

/**
 * The management UI asks for the broker's login, which MailDock generated and keeps as a secret.
 * The contract has no channel that reveals it, so it is read from the export's .env, with secrets.
 */
function CopyBrokerLogin() {
  const { call } = useAction()
  const [busy, setBusy] = useState(false)
  const copy = () => {
    setBusy(true)
    call('stack:export', { includeSecrets: true })
      .then(async (exported) => {
        const line = exported.env.split('\n').find((l) => l.startsWith('MAILDOCK_BROKER_PASSWORD='))
        // .env values are single-quoted (export --env-out); the generated password has no quote.
        const password = (line?.slice('MAILDOCK_BROKER_PASSWORD='.length) ?? '').replace(
          /^'(.*)'$/,
          '$1',
        )
        if (password === '') throw new Error('The broker password is not known yet.')
        const user =
          exported.variables
            .find((v) => v.name === 'MAILDOCK_BROKER_PASSWORD')
            ?.description.match(/user (\S+)$/)?.[1] ?? 'maildock'
        await navigator.clipboard.writeText(password)
        notifyDone('Broker password copied', `Log in to the management UI as "${user}".`)
      })
      .catch((error: unknown) => notifyError('Could not copy the broker login', error))
      .finally(() => setBusy(false))
  }
  return (
    <Button size="compact-xs" variant="subtle" onClick={copy} loading={busy}>
      Copy login
    </Button>
  )
}

/** Where the running stack answers: the API, the mail catcher's UI, the broker's management UI. */
export function StackLinks({ status }: { status: StackStatus }) {
  const links = status.services.flatMap((s) => s.links)
  if (links.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="stack-links-none">
        Links to the API, the mail catcher and the broker&apos;s management UI appear once the stack
        runs.
      </Text>
    )
  return (
    <Paper withBorder px="sm" py={6}>
      <Group gap="lg" data-testid="stack-links">
        {links.map((link) => {
          const url = `${link.url}${linkPaths[link.label] ?? ''}`
          const shown = url.replace(/^http:\/\//, '')
          return (
            <Group key={link.label} gap={6} wrap="nowrap">
              <Text size="sm" c="dimmed">
                {link.label}
              </Text>
              <Anchor
                href={url}
                target="_blank"
                rel="noreferrer"
                ff="monospace"
                size="sm"
                aria-label={`Open ${link.label} at ${shown}`}
              >
                <Group gap={4} wrap="nowrap">
                  {shown}
                  <IconExternalLink size={13} />
                </Group>
              </Anchor>
              {link.label === BROKER_UI && <CopyBrokerLogin />}
            </Group>
          )
        })}
      </Group>
    </Paper>
  )
}
