import { useState } from 'react'
import { Button, Group, Text, TextInput } from '@mantine/core'
import { IconDownload, IconHammer } from '@tabler/icons-react'
import { formatBytes } from '../../ui/format'
import { PanelHeader } from '../../ui/PanelHeader'
import { ResourceToolbar } from '../../ui/ResourceToolbar'
import { BuildCard, PullCard } from './TransferCards'
import type { Job, TransferStore } from './transfers'

/** The panel's title, how many images are shown, and their total size once loaded. */
export function ImagesHeader({
  count,
  totalBytes,
}: {
  count: string | undefined
  totalBytes: number | undefined
}) {
  return (
    <PanelHeader title="Images" count={count}>
      {totalBytes !== undefined && (
        <Text size="xs" c="dimmed">
          {formatBytes(totalBytes)} in total
        </Text>
      )}
    </PanelHeader>
  )
}

function PullForm({ onPull }: { onPull: (ref: string) => void }) {
  const [pullRef, setPullRef] = useState('')
  const pull = () => {
    const ref = pullRef.trim()
    if (!ref) return
    onPull(ref)
    setPullRef('')
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        pull()
      }}
    >
      <Group gap={4} wrap="nowrap">
        <TextInput
          size="xs"
          w={280}
          ff="monospace"
          aria-label="Image to pull"
          placeholder="127.0.0.1:5000/alpine:3.20"
          value={pullRef}
          onChange={(e) => setPullRef(e.currentTarget.value)}
        />
        <Button
          size="xs"
          type="submit"
          leftSection={<IconDownload size={14} />}
          disabled={!pullRef.trim()}
        >
          Pull
        </Button>
      </Group>
    </form>
  )
}

export function ImagesToolbar({
  filter,
  onFilterChange,
  onPull,
  onBuild,
  onPrune,
}: {
  filter: string
  onFilterChange: (filter: string) => void
  onPull: (ref: string) => void
  onBuild: () => void
  onPrune: () => void
}) {
  return (
    <ResourceToolbar
      filter={filter}
      onFilterChange={onFilterChange}
      placeholder="Filter: tag, id, container, is:dangling, is:unused"
      onPrune={onPrune}
    >
      <PullForm onPull={onPull} />
      <Button size="xs" variant="light" leftSection={<IconHammer size={14} />} onClick={onBuild}>
        Build…
      </Button>
    </ResourceToolbar>
  )
}

/** A card per pull and build, newest first, with "Clear finished" once two or more have ended. */
export function TransferList({ jobs, store }: { jobs: Job[]; store: TransferStore }) {
  return (
    <>
      {jobs.filter((job) => job.state !== 'running').length > 1 && (
        <Group justify="flex-end">
          <Button
            size="compact-xs"
            variant="subtle"
            color="gray"
            onClick={() => store.dismissFinished()}
          >
            Clear finished
          </Button>
        </Group>
      )}
      {jobs.map((job) =>
        job.kind === 'pull' ? (
          <PullCard
            key={job.key}
            job={job}
            onCancel={() => store.cancel(job.key)}
            onDismiss={() => store.dismiss(job.key)}
          />
        ) : (
          <BuildCard
            key={job.key}
            job={job}
            onCancel={() => store.cancel(job.key)}
            onDismiss={() => store.dismiss(job.key)}
          />
        ),
      )}
    </>
  )
}
