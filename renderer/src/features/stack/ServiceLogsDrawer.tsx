import { useEffect, useMemo, useState } from 'react'
import { Alert, Badge, Button, Drawer, Group, Stack, Switch, Text, TextInput } from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'
import type { ErrorPayload, StackServiceName } from '../../../../shared/contract'
import { useClient } from '../../transport/client'
import { useLogWindow } from '../../ui/log-window'
import { LogView } from '../../ui/LogView'
import { serviceLabels } from './stack-model'

const LOG_WINDOW = 5000
const HISTORY = 300

/** One `stack:logs` subscription (every instance of the service); remounted to follow again. */
function ServiceLogSession({
  service,
  multiple,
  follow,
  setFollow,
  showTime,
  search,
  onRestart,
}: {
  service: StackServiceName
  multiple: boolean
  follow: boolean
  setFollow: (follow: boolean) => void
  showTime: boolean
  search: string
  onRestart: () => void
}) {
  const client = useClient()
  const { window, append, clear } = useLogWindow(LOG_WINDOW)
  const [ended, setEnded] = useState(false)
  const [error, setError] = useState<ErrorPayload | null>(null)

  useEffect(
    () =>
      client.subscribe(
        'stack:logs',
        { service, tail: HISTORY, follow: true },
        {
          data: (batch) =>
            append(
              batch.lines.map((line) => ({
                time: line.time,
                stream: line.stream,
                // Replicas are told apart by their container name.
                text: multiple ? `${line.instance} | ${line.text}` : line.text,
              })),
              batch.dropped,
            ),
          error: (failure) => {
            setError(failure)
            setEnded(true)
          },
          end: () => setEnded(true),
        },
      ),
    [client, service, multiple, append],
  )

  const shown = useMemo(() => {
    const needle = search.toLowerCase()
    if (!needle) return window.lines
    return window.lines.filter(
      (line) => line.kind === 'skip' || line.text.toLowerCase().includes(needle),
    )
  }, [window.lines, search])

  return (
    <>
      <Group gap="xs">
        <Text size="xs" c="dimmed" data-testid="service-logs-count">
          {window.lines.length.toLocaleString()} lines
          {shown.length !== window.lines.length ? ` (${shown.length.toLocaleString()} shown)` : ''}
        </Text>
        {window.dropped > 0 && (
          <Badge size="xs" color="yellow" variant="light">
            {window.dropped.toLocaleString()} lines skipped
          </Badge>
        )}
        {ended && !error && (
          <Text size="xs" c="dimmed">
            Stream ended (the service stopped).
          </Text>
        )}
        <Group gap={4} ml="auto">
          {ended && (
            <Button size="compact-xs" variant="light" onClick={onRestart}>
              Follow again
            </Button>
          )}
          <Button size="compact-xs" variant="subtle" color="gray" onClick={clear}>
            Clear
          </Button>
        </Group>
      </Group>
      {error && (
        <Alert color="red" title="Log stream failed" role="alert" p="xs">
          <Text size="sm">{error.message}</Text>
        </Alert>
      )}
      <LogView
        label={`${serviceLabels[service]} logs`}
        lines={shown}
        follow={follow}
        onFollowChange={setFollow}
        showTime={showTime}
        height="calc(100vh - 170px)"
        emptyText={ended ? 'No output.' : 'Waiting for output…'}
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
          <ServiceLogSession
            key={`${service}:${generation}`}
            service={service}
            multiple={instances > 1}
            follow={follow}
            setFollow={setFollow}
            showTime={showTime}
            search={search}
            onRestart={() => setGeneration((g) => g + 1)}
          />
        </Stack>
      )}
    </Drawer>
  )
}
