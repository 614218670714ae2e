import { useState } from 'react'
import {
  Alert,
  Badge,
  Button,
  Group,
  NumberInput,
  Popover,
  Progress,
  Stack,
  Text,
} from '@mantine/core'
import type { LogStatus, StoreUpgrade } from '../../../../shared/contract'
import { useAction, useCall, type Loaded } from '../../transport/hooks'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { formatBytes } from '../../ui/format'
import { notifyDone, notifyError } from '../../ui/notify'

/** How soon to ask again: an upgrade takes seconds, and its progress is worth following. */
export const statusPollMs = (status: LogStatus | undefined): number =>
  status?.state === 'upgrading' ? 500 : 3_000

/** The store's state, polled: a badge when all is well, an alert with the way out when not. */
export function useStoreStatus(): Loaded<LogStatus> {
  const [pollMs, setPollMs] = useState(statusPollMs(undefined))
  const status = useCall('logs:status', {}, { pollMs })
  const next = statusPollMs(status.data)
  if (next !== pollMs) setPollMs(next)
  return status
}

const STATE_COLOR: Partial<Record<LogStatus['state'], string>> = {
  ready: 'green',
  upgrading: 'blue',
  paused: 'yellow',
  failed: 'red',
}

/** The retention form's drafts, filled from the store when it opens, and their saving. */
function useRetentionForm(onChanged: () => void) {
  const { call, pending: saving } = useAction()
  const [days, setDays] = useState<number | string>('')
  const [sizeMb, setSizeMb] = useState<number | string>('')
  const open = (status: LogStatus): void => {
    setDays(status.retention.maxAgeDays ?? '')
    setSizeMb(status.retention.maxSizeMb ?? '')
  }
  const save = (): void => {
    call('logs:set-retention', {
      maxAgeDays: typeof days === 'number' && days > 0 ? days : null,
      maxSizeMb: typeof sizeMb === 'number' && sizeMb > 0 ? sizeMb : null,
    })
      .then(() => {
        notifyDone('Retention saved', 'Older entries are removed in the background.')
        onChanged()
      })
      .catch((error: unknown) => notifyError('Could not save the retention', error))
  }
  return { days, setDays, sizeMb, setSizeMb, open, save, saving }
}

/** Where the store is, and how much it holds and wrote this session. */
function StoreFigures({ status }: { status: LogStatus }) {
  return (
    <>
      <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {status.path}
      </Text>
      <Text size="xs" c="dimmed">
        {status.rows.toLocaleString()} entries stored ·{' '}
        {formatBytes(status.sizeBytes + status.walBytes)} · {status.emails.toLocaleString()} emails
        · {status.ingest.written.toLocaleString()} written this session
        {status.ingest.duplicates > 0
          ? `, ${status.ingest.duplicates.toLocaleString()} repeats skipped`
          : ''}
      </Text>
    </>
  )
}

/** The store's badge; it opens the database details and the retention settings. */
export function StoreBadge({
  status,
  onChanged,
}: {
  status: LogStatus | undefined
  onChanged: () => void
}) {
  const form = useRetentionForm(onChanged)
  if (!status) return null
  return (
    <Popover width={340} position="bottom-end" withArrow onOpen={() => form.open(status)}>
      <Popover.Target>
        <Badge
          component="button"
          type="button"
          variant="light"
          color={STATE_COLOR[status.state] ?? 'gray'}
          ff="monospace"
          style={{ cursor: 'pointer' }}
          data-testid="store-badge"
        >
          Store {status.state}
        </Badge>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={6}>
          <StoreFigures status={status} />
          <Group grow gap="xs">
            <NumberInput
              size="xs"
              label="Keep days"
              placeholder="forever"
              min={1}
              value={form.days}
              onChange={form.setDays}
              data-testid="retention-days"
            />
            <NumberInput
              size="xs"
              label="Max size (MB)"
              placeholder="no limit"
              min={16}
              value={form.sizeMb}
              onChange={form.setSizeMb}
              data-testid="retention-size"
            />
          </Group>
          <Button size="xs" onClick={form.save} loading={form.saving} data-testid="retention-save">
            Save retention
          </Button>
          {status.compaction.lastRunAt !== null && (
            <Text size="xs" c="dimmed">
              Last clean-up {new Date(status.compaction.lastRunAt).toLocaleTimeString()}, removed{' '}
              {status.compaction.lastDeleted.toLocaleString()}
            </Text>
          )}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}

/** An older file being brought up to date: how far, and that nothing waits on the user. */
function UpgradeAlert({ upgrade }: { upgrade: StoreUpgrade }) {
  const percent = Math.round(upgrade.fraction * 100)
  return (
    <Alert
      color="blue"
      title="Upgrading the log database"
      role="status"
      data-testid="store-upgrade"
    >
      <Text size="sm">{upgrade.message.replace(/^log store: /, '')}</Text>
      <Progress
        mt={6}
        value={percent}
        aria-label={`Log database upgrade, ${percent}%`}
        data-testid="store-upgrade-progress"
      />
      <Text size="xs" c="dimmed" mt={4}>
        Once, for a file written by an older MailDock. Searches answer when it is done; new entries
        wait in memory meanwhile.
      </Text>
    </Alert>
  )
}

/** Paused (disk full, locked) or failed (damaged, read-only): what happened and what to do. */
export function StoreAlert({
  status,
  onReset,
}: {
  status: LogStatus | undefined
  onReset: () => void
}) {
  const { call } = useAction()
  const [confirming, setConfirming] = useState(false)
  if (!status || status.state === 'ready' || status.state === 'closed') return null
  if (status.upgrade) return <UpgradeAlert upgrade={status.upgrade} />
  const reset = () =>
    call('logs:reset-db', {})
      .then((result) => {
        notifyDone(
          'Started a fresh log database',
          result.keptAs ? `The old one is kept as ${result.keptAs}` : undefined,
        )
        onReset()
      })
      .catch((error: unknown) => {
        notifyError('Could not reset the log database', error)
        throw error
      })
  const paused = status.state === 'paused'
  return (
    <Alert
      color={paused ? 'yellow' : 'red'}
      title={paused ? 'Writing the log history is paused' : 'The log database cannot be used'}
      role="alert"
      data-testid="store-alert"
    >
      <Text size="sm">{status.ingest.pausedReason ?? status.lastError?.message}</Text>
      <Text size="xs" c="dimmed">
        {status.ingest.queued.toLocaleString()} entries wait in memory; nothing stored is lost.
        {status.ingest.nextRetryAt
          ? ` Trying again at ${new Date(status.ingest.nextRetryAt).toLocaleTimeString()}.`
          : ''}
      </Text>
      {status.lastError && status.lastError.kind !== 'full' && (
        <Group mt="xs">
          <Button
            size="xs"
            color="red"
            variant="light"
            onClick={() => setConfirming(true)}
            data-testid="store-reset"
          >
            Start a fresh database
          </Button>
        </Group>
      )}
      <ConfirmDialog
        opened={confirming}
        title="Start a fresh log database?"
        confirmLabel="Start fresh"
        onConfirm={reset}
        onClose={() => setConfirming(false)}
      >
        <Text size="sm">
          The current file is renamed and kept next to it (nothing is deleted); MailDock starts an
          empty one and writes what is waiting in memory there.
        </Text>
      </ConfirmDialog>
    </Alert>
  )
}
