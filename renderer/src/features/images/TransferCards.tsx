import { Badge, Button, Card, CloseButton, Group, Progress, Stack, Text } from '@mantine/core'
import type { LayerProgress } from '../../../../shared/contract'
import { formatBytes, formatDuration, shortId } from '../../ui/format'
import { LogView } from '../../ui/LogView'
import { useNow } from '../../ui/useNow'
import type { BuildJob, Job, JobState, PullJob } from './transfers'

const stateColor: Record<JobState, string> = {
  running: 'blue',
  done: 'green',
  failed: 'red',
  cancelled: 'gray',
}

function layerPercent(layer: LayerProgress): number {
  if (layer.done) return 100
  if (layer.total && layer.current !== undefined)
    return Math.min(100, (layer.current / layer.total) * 100)
  return 0
}

function JobHeader({
  job,
  title,
  onCancel,
  onDismiss,
}: {
  job: Job
  title: string
  onCancel: () => void
  onDismiss: () => void
}) {
  const now = useNow(job.state === 'running' ? 1000 : 60_000)
  const took = (job.endedAt ?? now) - job.startedAt
  return (
    <Group justify="space-between" wrap="nowrap">
      <Group gap="xs" wrap="nowrap">
        <Badge size="sm" color={stateColor[job.state]} variant="light">
          {job.state}
        </Badge>
        <Text fw={600} size="sm" ff="monospace" truncate>
          {title}
        </Text>
        <Text size="xs" c="dimmed" data-testid="job-elapsed">
          {formatDuration(Math.max(0, took))}
        </Text>
      </Group>
      {job.state === 'running' ? (
        <Button size="compact-xs" variant="light" color="red" onClick={onCancel}>
          Cancel
        </Button>
      ) : (
        <CloseButton size="sm" aria-label={`Dismiss ${title}`} onClick={onDismiss} />
      )}
    </Group>
  )
}

export function PullCard({
  job,
  onCancel,
  onDismiss,
}: {
  job: PullJob
  onCancel: () => void
  onDismiss: () => void
}) {
  const layers = job.progress?.layers ?? []
  const finished = layers.filter((l) => l.done).length
  return (
    <Card
      withBorder
      padding="sm"
      component="section"
      data-testid={`pull-${job.ref}`}
      aria-label={`Pull ${job.ref}`}
    >
      <Stack gap={6}>
        <JobHeader job={job} title={`pull ${job.ref}`} onCancel={onCancel} onDismiss={onDismiss} />
        {job.error && (
          <Text size="sm" c="red" role="alert">
            {job.error}
          </Text>
        )}
        <Text
          size="xs"
          c="dimmed"
          data-testid="pull-status"
          hidden={job.state === 'failed' && layers.length === 0}
        >
          {job.progress?.status || (job.state === 'running' ? 'Asking the registry…' : '')}
          {layers.length > 0 && ` · ${finished}/${layers.length} layers`}
        </Text>
        {layers.map((layer) => (
          <Group key={layer.id} gap="xs" wrap="nowrap" data-testid={`layer-${layer.id}`}>
            <Text size="xs" ff="monospace" w={100}>
              {shortId(layer.id)}
            </Text>
            <Progress
              value={layerPercent(layer)}
              size="sm"
              style={{ flex: 1 }}
              color={layer.done ? 'green' : 'blue'}
              animated={!layer.done && job.state === 'running' && layer.total !== undefined}
              aria-label={`Layer ${shortId(layer.id)}`}
            />
            <Text size="xs" c="dimmed" w={220} truncate>
              {layer.status}
              {layer.total !== undefined && !layer.done
                ? ` ${formatBytes(layer.current ?? 0)} / ${formatBytes(layer.total)}`
                : ''}
            </Text>
          </Group>
        ))}
      </Stack>
    </Card>
  )
}

export function BuildCard({
  job,
  onCancel,
  onDismiss,
}: {
  job: BuildJob
  onCancel: () => void
  onDismiss: () => void
}) {
  const title = `build ${job.input.tags?.join(', ') || job.input.context.path}`
  const step = job.step
  return (
    <Card withBorder padding="sm" component="section" data-testid="build-job" aria-label={title}>
      <Stack gap={6}>
        <JobHeader job={job} title={title} onCancel={onCancel} onDismiss={onDismiss} />
        {step && (
          <Group gap="xs" wrap="nowrap">
            <Text size="xs" w={100} data-testid="build-step">
              Step {step.current}/{step.total}
            </Text>
            <Progress
              value={(step.current / Math.max(1, step.total)) * 100}
              size="sm"
              style={{ flex: 1 }}
              color={job.state === 'done' ? 'green' : job.state === 'failed' ? 'red' : 'blue'}
              aria-label="Build steps"
            />
          </Group>
        )}
        {job.error && (
          <Text size="sm" c="red" role="alert">
            {job.error}
          </Text>
        )}
        {job.imageId && (
          <Text size="xs" data-testid="build-image-id">
            Built image{' '}
            <Text span ff="monospace">
              {shortId(job.imageId)}
            </Text>
          </Text>
        )}
        <LogView
          label="Build output"
          lines={job.output.lines}
          follow
          showTime={false}
          height={job.state === 'running' ? 220 : 120}
          emptyText="Sending the build context…"
        />
      </Stack>
    </Card>
  )
}
