import { useMemo, useState } from 'react'
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  MultiSelect,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core'
import {
  IconClearAll,
  IconCopy,
  IconDownload,
  IconHistory,
  IconPlayerPause,
  IconPlayerPlay,
  IconRegex,
  IconSearch,
} from '@tabler/icons-react'
import type { LogLevel, TailLine, TailSource } from '../../../../shared/contract'
import { useCall } from '../../transport/hooks'
import { saveText, stampedName } from '../../ui/download'
import { notifyDone, notifyError } from '../../ui/notify'
import { WrapSwitch } from '../../ui/LogPane'
import { PanelHeader } from '../../ui/PanelHeader'
import { useWrapLines } from '../../ui/useWrapLines'
import { buildMatcher } from './highlight'
import { formatClock } from '../../ui/format'
import { TailList } from './TailList'
import { useTail, type TailSelection } from './useTail'

const LEVEL_RANK: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
}
const MIN_LEVELS = [
  { value: 'trace', label: 'All levels' },
  { value: 'info', label: 'Info and above' },
  { value: 'warn', label: 'Warnings and errors' },
  { value: 'error', label: 'Errors only' },
]

/** Why the list is empty: nothing arrived yet, or the search or level hides every line. */
function emptyTailText(received: number, search: string, minLevel: LogLevel): string {
  if (received === 0) return 'No lines yet.'
  if (search) return `No lines match “${search}”`
  const level = MIN_LEVELS.find((option) => option.value === minLevel)?.label ?? minLevel
  return `No lines match “${level}”`
}

/** Picker values: `svc:NAME` for a stack service, `ctr:ID` for any other container. */
export function selectionFrom(values: string[], sources: TailSource[]): TailSelection {
  const services = values.filter((v) => v.startsWith('svc:')).map((v) => v.slice(4))
  const containerIds = values.filter((v) => v.startsWith('ctr:')).map((v) => v.slice(4))
  const stackNames = containerIds
    .map((id) => sources.find((s) => s.id === id))
    .filter((s): s is TailSource => s?.stack === true)
  return {
    services,
    containers: containerIds,
    stored: services.length > 0 || containerIds.length === 0 || stackNames.length > 0,
  }
}

function sourceOptions(sources: TailSource[]) {
  const services = [...new Set(sources.filter((s) => s.stack).map((s) => s.service))].sort()
  const others = sources.filter((s) => !s.stack)
  return [
    {
      group: 'Stack services (stored)',
      items: services.map((s) => ({ value: `svc:${s}`, label: s })),
    },
    {
      group: 'Other containers (live only)',
      items: others.map((s) => ({ value: `ctr:${s.id}`, label: `${s.name} (${s.state})` })),
    },
  ]
}

const lineText = (line: TailLine, withTime: boolean): string =>
  `${withTime ? `${new Date(line.ts).toISOString()} ` : ''}${line.service} ${line.text}`

const download = (lines: TailLine[]): void =>
  saveText(stampedName('tail', 'log'), lines.map((l) => `${lineText(l, true)}\n`).join(''))

export function TailPanel({ height = 'calc(100vh - 260px)' }: { height?: string | number }) {
  const sourceList = useCall('logs:sources', {})
  const sources = useMemo(() => sourceList.data?.sources ?? [], [sourceList.data])
  const sourcesError = sourceList.error?.message
  const [picked, setPicked] = useState<string[]>([])
  const [search, setSearch] = useState('')
  const [regex, setRegex] = useState(false)
  const [onlyMatches, setOnlyMatches] = useState(false)
  const [minLevel, setMinLevel] = useState<LogLevel>('trace')
  const [showTime, setShowTime] = useState(true)
  const [pretty, setPretty] = useState(false)
  const [wrap] = useWrapLines()

  const selection = useMemo(() => selectionFrom(picked, sources), [picked, sources])
  const tail = useTail(selection)
  const { buffer } = tail
  const { matcher, error: searchError } = useMemo(
    () => buildMatcher(search, regex),
    [search, regex],
  )
  const visible = useMemo(
    () =>
      buffer.lines.filter(
        (line) =>
          LEVEL_RANK[line.level] >= LEVEL_RANK[minLevel] &&
          (!onlyMatches || matcher === null || matcher.test(line.text)),
      ),
    [buffer.lines, minLevel, onlyMatches, matcher],
  )
  const services = new Set(buffer.lines.slice(-500).map((l) => l.service))
  const options = {
    showTime,
    showService: services.size > 1 || picked.length !== 1,
    pretty,
    wrap,
    matcher,
  }

  const copy = (): void => {
    navigator.clipboard
      .writeText(visible.map((l) => lineText(l, showTime)).join('\n'))
      .then(() => notifyDone(`Copied ${visible.length.toLocaleString()} lines`))
      .catch((error: unknown) => notifyError('Could not copy', error))
  }

  return (
    <Stack gap="sm">
      <PanelHeader title="Tail" count={visible.length.toLocaleString()}>
        <Badge
          color={buffer.following ? 'green' : 'yellow'}
          variant="light"
          data-testid="tail-state"
        >
          {buffer.following ? 'following' : 'paused'}
        </Badge>
      </PanelHeader>
      <Group gap="xs" wrap="wrap" align="flex-end">
        <MultiSelect
          aria-label="Containers to tail"
          placeholder={picked.length === 0 ? 'Every stack service' : undefined}
          data={sourceOptions(sources)}
          value={picked}
          onChange={setPicked}
          searchable
          clearable
          w={300}
          size="xs"
          error={sourcesError}
        />
        <TextInput
          aria-label="Search lines"
          placeholder={regex ? 'Regular expression' : 'Search'}
          leftSection={<IconSearch size={14} />}
          rightSection={
            <Tooltip label="Regular expression">
              <ActionIcon
                size="sm"
                variant={regex ? 'filled' : 'subtle'}
                onClick={() => setRegex(!regex)}
                aria-label="Regular expression"
                aria-pressed={regex}
              >
                <IconRegex size={14} />
              </ActionIcon>
            </Tooltip>
          }
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          error={searchError}
          size="xs"
          w={260}
        />
        <Switch
          size="xs"
          label="Only matches"
          checked={onlyMatches}
          onChange={(e) => setOnlyMatches(e.currentTarget.checked)}
        />
        <Select
          aria-label="Level"
          data-testid="tail-level"
          data={MIN_LEVELS}
          value={minLevel}
          onChange={(value) => setMinLevel((value as LogLevel | null) ?? 'trace')}
          size="xs"
          w={170}
          allowDeselect={false}
        />
        <Switch
          size="xs"
          label="Timestamps"
          checked={showTime}
          onChange={(e) => setShowTime(e.currentTarget.checked)}
        />
        <Switch
          size="xs"
          label="Pretty JSON"
          checked={pretty}
          onChange={(e) => setPretty(e.currentTarget.checked)}
        />
        <WrapSwitch />
      </Group>
      <Group gap="xs">
        <Button
          size="xs"
          variant="light"
          leftSection={
            buffer.following ? <IconPlayerPause size={14} /> : <IconPlayerPlay size={14} />
          }
          onClick={buffer.following ? tail.pause : tail.resume}
        >
          {buffer.following ? 'Pause' : 'Follow'}
        </Button>
        <Button
          size="xs"
          variant="subtle"
          leftSection={<IconHistory size={14} />}
          onClick={() => void tail.loadOlder()}
          loading={tail.loadingOlder}
          disabled={!selection.stored || tail.noOlder}
        >
          {tail.noOlder ? 'No older lines' : 'Older lines'}
        </Button>
        <Button
          size="xs"
          variant="subtle"
          leftSection={<IconClearAll size={14} />}
          onClick={tail.clear}
        >
          Clear
        </Button>
        <Button size="xs" variant="subtle" leftSection={<IconCopy size={14} />} onClick={copy}>
          Copy
        </Button>
        <Button
          size="xs"
          variant="subtle"
          leftSection={<IconDownload size={14} />}
          onClick={() => download(visible)}
        >
          Download
        </Button>
        <Text size="xs" c="dimmed" ff="monospace" data-testid="tail-counts">
          {buffer.received.toLocaleString()} received
          {buffer.skipped > 0
            ? ` · ${buffer.skipped.toLocaleString()} lines skipped (the view fell behind)`
            : ''}
          {buffer.trimmed > 0 ? ` · ${buffer.trimmed.toLocaleString()} older out of view` : ''}
          {buffer.lines.at(-1) ? ` · last ${formatClock(buffer.lines.at(-1)!.ts)}` : ''}
        </Text>
      </Group>
      {tail.error && (
        <Alert color="red" title="The tail stopped" role="alert" data-testid="tail-error">
          <Group justify="space-between">
            <Text size="sm">{tail.error.message}</Text>
            <Button size="xs" color="red" variant="light" onClick={tail.retry}>
              Reconnect
            </Button>
          </Group>
        </Alert>
      )}
      {buffer.notices.length > 0 && (
        <Text size="xs" c="yellow" data-testid="tail-notices">
          {buffer.notices.join(' · ')}
        </Text>
      )}
      {buffer.historyDone &&
        buffer.lines.length === 0 &&
        sources.every((s) => !s.stack) &&
        picked.length === 0 && (
          <Alert color="blue" title="No stack containers" data-testid="tail-no-stack">
            Start the stack in the Stack panel, or pick any container above to follow it.
          </Alert>
        )}
      <TailList
        key={`${pretty ? 'pretty' : 'plain'}-${wrap ? 'wrap' : 'one-line'}`}
        lines={visible}
        options={options}
        following={buffer.following}
        newLines={buffer.pending.length}
        height={height}
        onPause={tail.pause}
        onResume={tail.resume}
        onNearTop={tail.loadOlder}
        loadingOlder={tail.loadingOlder}
        emptyText={emptyTailText(buffer.lines.length, onlyMatches ? search : '', minLevel)}
      />
    </Stack>
  )
}
