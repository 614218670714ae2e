import { useEffect, useMemo, useState } from 'react'
import {
  Alert,
  Badge,
  Button,
  Group,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'
import type { ErrorPayload } from '../../../../shared/contract'
import { useClient } from '../../transport/client'
import { useLogWindow } from '../../ui/log-window'
import { LogView } from '../../ui/LogView'

/** How many lines the view keeps; older ones are let go (and counted). */
export const LOG_WINDOW = 5000
const HISTORY = 500

type Streams = 'all' | 'stdout' | 'stderr'

interface ViewOptions {
  follow: boolean
  setFollow: (follow: boolean) => void
  showTime: boolean
  streams: Streams
  search: string
}

/** One subscription to `containers:logs`; remounted (fresh window) to follow again. */
function LogSession({
  id,
  options,
  onRestart,
}: {
  id: string
  options: ViewOptions
  onRestart: () => void
}) {
  const client = useClient()
  const { window, append, clear } = useLogWindow(LOG_WINDOW)
  const [ended, setEnded] = useState(false)
  const [error, setError] = useState<ErrorPayload | null>(null)

  useEffect(
    () =>
      client.subscribe(
        'containers:logs',
        { id, tail: HISTORY, follow: true },
        {
          data: (batch) => append(batch.lines, batch.dropped),
          error: (failure) => {
            setError(failure)
            setEnded(true)
          },
          end: () => setEnded(true),
        },
      ),
    [client, id, append],
  )

  useEffect(() => {
    if (!ended) return
    return client.subscribe(
      'docker:event',
      { types: ['container'] },
      {
        data: (batch) => {
          if (batch.events.some((e) => e.id === id && e.action === 'start')) onRestart()
        },
      },
    )
  }, [client, id, ended, onRestart])

  const { streams, search } = options
  const shown = useMemo(() => {
    const needle = search.toLowerCase()
    if (streams === 'all' && !needle) return window.lines
    return window.lines.filter(
      (line) =>
        line.kind === 'skip' ||
        ((streams === 'all' || line.stream === streams) &&
          (!needle || line.text.toLowerCase().includes(needle))),
    )
  }, [window.lines, streams, search])

  return (
    <>
      <Group gap="xs">
        <Text size="xs" c="dimmed" data-testid="logs-count">
          {window.lines.length.toLocaleString()} lines
          {shown.length !== window.lines.length ? ` (${shown.length.toLocaleString()} shown)` : ''}
        </Text>
        {window.dropped > 0 && (
          <Badge size="xs" color="yellow" variant="light" data-testid="logs-dropped">
            {window.dropped.toLocaleString()} lines skipped
          </Badge>
        )}
        {window.trimmed > 0 && (
          <Badge size="xs" color="gray" variant="light" data-testid="logs-trimmed">
            {window.trimmed.toLocaleString()} older lines let go (keeps{' '}
            {LOG_WINDOW.toLocaleString()})
          </Badge>
        )}
        {ended && !error && (
          <Text size="xs" c="dimmed" data-testid="logs-ended">
            Stream ended (the container stopped); it resumes when the container starts.
          </Text>
        )}
        <Button size="compact-xs" variant="subtle" color="gray" onClick={clear} ml="auto">
          Clear
        </Button>
      </Group>
      {error && (
        <Alert color="red" title="Log stream failed" role="alert" p="xs">
          <Group gap="xs">
            <Text size="sm">{error.message}</Text>
            <Button size="compact-xs" variant="light" color="red" onClick={onRestart}>
              Follow again
            </Button>
          </Group>
        </Alert>
      )}
      <LogView
        label="Container logs"
        lines={shown}
        follow={options.follow}
        onFollowChange={options.setFollow}
        showTime={options.showTime}
        height="calc(100vh - 270px)"
        emptyText={ended ? 'No output.' : 'Waiting for output…'}
      />
    </>
  )
}

/**
 * A container's logs, batched and bounded by main. Closing the tab unsubscribes, which aborts the
 * request in main. When the container starts again after the stream ended, it follows again.
 */
export function ContainerLogs({ id }: { id: string }) {
  const [follow, setFollow] = useState(true)
  const [showTime, setShowTime] = useState(true)
  const [streams, setStreams] = useState<Streams>('all')
  const [search, setSearch] = useState('')
  const [generation, setGeneration] = useState(0)
  const [restart] = useState(() => () => setGeneration((g) => g + 1))

  return (
    <Stack gap="xs">
      <Group gap="sm" wrap="nowrap">
        <TextInput
          size="xs"
          w={220}
          placeholder="Find in logs"
          aria-label="Find in logs"
          leftSection={<IconSearch size={14} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
        <SegmentedControl
          size="xs"
          value={streams}
          onChange={(value) => setStreams(value)}
          data={['all', 'stdout', 'stderr']}
          role="radiogroup"
          aria-label="Streams"
        />
        <Switch
          size="xs"
          label="Follow"
          checked={follow}
          onChange={(e) => setFollow(e.currentTarget.checked)}
        />
        <Switch
          size="xs"
          label="Timestamps"
          checked={showTime}
          onChange={(e) => setShowTime(e.currentTarget.checked)}
        />
      </Group>
      <LogSession
        key={`${id}:${generation}`}
        id={id}
        options={{ follow, setFollow, showTime, streams, search }}
        onRestart={restart}
      />
    </Stack>
  )
}
