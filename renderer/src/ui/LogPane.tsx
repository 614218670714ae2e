import type { ReactNode } from 'react'
import { Alert, Badge, Button, Group, Switch, Text, TextInput } from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'
import type { ViewLine } from './log-window'
import type { LogStream } from './useLogStream'
import { useWrapLines } from './useWrapLines'

export interface LogViewOptions {
  follow: boolean
  setFollow: (follow: boolean) => void
  showTime: boolean
  setShowTime: (showTime: boolean) => void
  search: string
  setSearch: (search: string) => void
}

/** "Wrap lines" for every log pane; the choice is remembered. */
export function WrapSwitch() {
  const [wrap, setWrap] = useWrapLines()
  return (
    <Switch
      size="xs"
      label="Wrap lines"
      checked={wrap}
      onChange={(e) => setWrap(e.currentTarget.checked)}
    />
  )
}

/** Find, Follow, Timestamps and Wrap above a log pane; `children` adds controls after Find. */
export function LogToolbar({
  options,
  children,
}: {
  options: LogViewOptions
  children?: ReactNode
}) {
  return (
    <Group gap="sm" wrap="nowrap">
      <TextInput
        size="xs"
        w={220}
        placeholder="Find in logs"
        aria-label="Find in logs"
        leftSection={<IconSearch size={14} />}
        value={options.search}
        onChange={(event) => options.setSearch(event.currentTarget.value)}
      />
      {children}
      <Switch
        size="xs"
        label="Follow"
        checked={options.follow}
        onChange={(e) => options.setFollow(e.currentTarget.checked)}
      />
      <Switch
        size="xs"
        label="Timestamps"
        checked={options.showTime}
        onChange={(e) => options.setShowTime(e.currentTarget.checked)}
      />
      <WrapSwitch />
    </Group>
  )
}

/**
 * The line counts, what was skipped or let go, the end of the stream and its failure. "Follow
 * again" sits in the bar once the stream ended, or (`restartInBar` false) in the failure only.
 */
export function LogStreamStatus({
  stream,
  shown,
  limit,
  testPrefix,
  endedText,
  restartInBar,
  onRestart,
}: {
  stream: LogStream
  shown: ViewLine[]
  limit: number
  testPrefix: string
  endedText: string
  restartInBar: boolean
  onRestart: () => void
}) {
  const { window, ended, error } = stream
  const restart = (
    <Button
      size="compact-xs"
      variant="light"
      color={restartInBar ? undefined : 'red'}
      onClick={onRestart}
    >
      Follow again
    </Button>
  )
  return (
    <>
      <Group gap="xs">
        <Text size="xs" c="dimmed" data-testid={`${testPrefix}-count`}>
          {window.lines.length.toLocaleString()} lines
          {shown.length !== window.lines.length ? ` (${shown.length.toLocaleString()} shown)` : ''}
        </Text>
        {window.dropped > 0 && (
          <Badge size="xs" color="yellow" variant="light" data-testid={`${testPrefix}-dropped`}>
            {window.dropped.toLocaleString()} lines skipped
          </Badge>
        )}
        {window.trimmed > 0 && (
          <Badge size="xs" color="gray" variant="light" data-testid={`${testPrefix}-trimmed`}>
            {window.trimmed.toLocaleString()} older lines let go (keeps {limit.toLocaleString()})
          </Badge>
        )}
        {ended && !error && (
          <Text size="xs" c="dimmed" data-testid={`${testPrefix}-ended`}>
            {endedText}
          </Text>
        )}
        <Group gap={4} ml="auto">
          {restartInBar && ended && restart}
          <Button size="compact-xs" variant="subtle" color="gray" onClick={stream.clear}>
            Clear
          </Button>
        </Group>
      </Group>
      {error && (
        <Alert color="red" title="Log stream failed" role="alert" p="xs">
          <Group gap="xs">
            <Text size="sm">{error.message}</Text>
            {!restartInBar && restart}
          </Group>
        </Alert>
      )}
    </>
  )
}
