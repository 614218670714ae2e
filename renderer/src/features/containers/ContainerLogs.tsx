import { useState } from 'react'
import { SegmentedControl, Stack } from '@mantine/core'
import { useStream } from '../../transport/hooks'
import { LogStreamStatus, LogToolbar, type LogViewOptions } from '../../ui/LogPane'
import { LogView } from '../../ui/LogView'
import { emptyLogText, useLogStream, useShownLines } from '../../ui/useLogStream'

/** How many lines the view keeps; older ones are let go (and counted). */
export const LOG_WINDOW = 5000
const HISTORY = 500

type Streams = 'all' | 'stdout' | 'stderr'

/** One subscription to `containers:logs`; remounted (fresh window) to follow again. */
function LogSession({
  id,
  options,
  streams,
  onRestart,
}: {
  id: string
  options: LogViewOptions
  streams: Streams
  onRestart: () => void
}) {
  const stream = useLogStream(
    'containers:logs',
    { id, tail: HISTORY, follow: true },
    (batch) => batch,
    LOG_WINDOW,
  )
  useStream(
    'docker:event',
    { types: ['container'] },
    {
      data: (batch) => {
        if (batch.events.some((e) => e.id === id && e.action === 'start')) onRestart()
      },
    },
    stream.ended ? id : null,
  )
  const shown = useShownLines(stream.window.lines, options.search, streams)

  return (
    <>
      <LogStreamStatus
        stream={stream}
        shown={shown}
        limit={LOG_WINDOW}
        testPrefix="logs"
        endedText="Stream ended (the container stopped); it resumes when the container starts."
        restartInBar={false}
        onRestart={onRestart}
      />
      <LogView
        label="Container logs"
        lines={shown}
        follow={options.follow}
        onFollowChange={options.setFollow}
        showTime={options.showTime}
        height="calc(100vh - 270px)"
        emptyText={emptyLogText(
          stream.window.lines.length,
          options.search,
          streams,
          stream.ended ? 'No output.' : 'Waiting for output…',
        )}
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
  const options = { follow, setFollow, showTime, setShowTime, search, setSearch }

  return (
    <Stack gap="xs">
      <LogToolbar options={options}>
        <SegmentedControl
          size="xs"
          value={streams}
          onChange={(value) => setStreams(value)}
          data={['all', 'stdout', 'stderr']}
          role="radiogroup"
          aria-label="Streams"
        />
      </LogToolbar>
      <LogSession
        key={`${id}:${generation}`}
        id={id}
        options={options}
        streams={streams}
        onRestart={restart}
      />
    </Stack>
  )
}
