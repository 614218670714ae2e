import { useState } from 'react'
import { Drawer, Stack } from '@mantine/core'
import type { StackServiceName } from '../../../../shared/contract'
import { LogStreamStatus, LogToolbar, type LogViewOptions } from '../../ui/LogPane'
import { LogView } from '../../ui/LogView'
import { emptyLogText, useLogStream, useShownLines } from '../../ui/useLogStream'
import { serviceLabels } from './stack-model'

const LOG_WINDOW = 5000
const HISTORY = 300

/** One `stack:logs` subscription (every instance of the service); remounted to follow again. */
function ServiceLogSession({
  service,
  multiple,
  options,
  onRestart,
}: {
  service: StackServiceName
  multiple: boolean
  options: LogViewOptions
  onRestart: () => void
}) {
  const stream = useLogStream(
    'stack:logs',
    { service, tail: HISTORY, follow: true },
    (batch) => ({
      lines: batch.lines.map((line) => ({
        time: line.time,
        stream: line.stream,
        // Replicas are told apart by their container name.
        text: multiple ? `${line.instance} | ${line.text}` : line.text,
      })),
      dropped: batch.dropped,
    }),
    LOG_WINDOW,
  )
  const shown = useShownLines(stream.window.lines, options.search)

  return (
    <>
      <LogStreamStatus
        stream={stream}
        shown={shown}
        limit={LOG_WINDOW}
        testPrefix="service-logs"
        endedText="Stream ended (the service stopped)."
        restartInBar
        onRestart={onRestart}
      />
      <LogView
        label={`${serviceLabels[service]} logs`}
        lines={shown}
        follow={options.follow}
        onFollowChange={options.setFollow}
        showTime={options.showTime}
        height="calc(100vh - 170px)"
        emptyText={emptyLogText(
          stream.window.lines.length,
          options.search,
          'all',
          stream.ended ? 'No output.' : 'Waiting for output…',
        )}
      />
    </>
  )
}

/** The logs of every instance of a service, followed live, in a side drawer. */
export function ServiceLogsDrawer({
  service,
  instances,
  onClose,
}: {
  service: StackServiceName | null
  instances: number
  onClose: () => void
}) {
  const [follow, setFollow] = useState(true)
  const [showTime, setShowTime] = useState(true)
  const [search, setSearch] = useState('')
  const [generation, setGeneration] = useState(0)
  const options = { follow, setFollow, showTime, setShowTime, search, setSearch }
  return (
    <Drawer
      opened={service !== null}
      onClose={onClose}
      position="right"
      size="62%"
      title={service ? `${serviceLabels[service]} logs` : ''}
    >
      {service && (
        <Stack gap="xs">
          <LogToolbar options={options} />
          <ServiceLogSession
            key={`${service}:${generation}`}
            service={service}
            multiple={instances > 1}
            options={options}
            onRestart={() => setGeneration((g) => g + 1)}
          />
        </Stack>
      )}
    </Drawer>
  )
}
