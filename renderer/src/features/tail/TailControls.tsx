import { memo } from 'react'
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  MultiSelect,
  Select,
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
import { useLatest } from '../../transport/hooks'
import { saveText, stampedName } from '../../ui/download'
import { formatClock } from '../../ui/format'
import { WrapSwitch } from '../../ui/LogPane'
import { notifyDone, notifyError } from '../../ui/notify'
import { MIN_LEVELS, sourceOptions, type TailFilters } from './tail-filters'
import type { TailState } from './useTail'

const lineText = (line: TailLine, withTime: boolean): string =>
  `${withTime ? `${new Date(line.ts).toISOString()} ` : ''}${line.service} ${line.text}`

const download = (lines: TailLine[]): void =>
  saveText(stampedName('tail', 'log'), lines.map((l) => `${lineText(l, true)}\n`).join(''))

const copy = (lines: TailLine[], withTime: boolean): void => {
  navigator.clipboard
    .writeText(lines.map((l) => lineText(l, withTime)).join('\n'))
    .then(() => notifyDone(`Copied ${lines.length.toLocaleString()} lines`))
    .catch((error: unknown) => notifyError('Could not copy', error))
}

/** The search box with its regular-expression toggle. */
function SearchInput({
  filters,
  onChange,
  error,
}: {
  filters: TailFilters
  onChange: (change: Partial<TailFilters>) => void
  error: string | null
}) {
  const { regex } = filters
  return (
    <TextInput
      aria-label="Search lines"
      placeholder={regex ? 'Regular expression' : 'Search'}
      leftSection={<IconSearch size={14} />}
      rightSection={
        <Tooltip label="Regular expression">
          <ActionIcon
            size="sm"
            variant={regex ? 'filled' : 'subtle'}
            onClick={() => onChange({ regex: !regex })}
            aria-label="Regular expression"
            aria-pressed={regex}
          >
            <IconRegex size={14} />
          </ActionIcon>
        </Tooltip>
      }
      value={filters.search}
      onChange={(event) => onChange({ search: event.currentTarget.value })}
      error={error}
      size="xs"
      w={260}
    />
  )
}

/** The source picker, the search, the level and how lines are drawn (not redrawn per batch). */
export const TailFilterBar = memo(function TailFilterBar({
  sources,
  sourcesError,
  picked,
  onPick,
  filters,
  onChange,
  searchError,
}: {
  sources: TailSource[]
  sourcesError: string | undefined
  picked: string[]
  onPick: (picked: string[]) => void
  filters: TailFilters
  onChange: (change: Partial<TailFilters>) => void
  searchError: string | null
}) {
  return (
    <Group gap="xs" wrap="wrap" align="flex-end">
      <MultiSelect
        aria-label="Containers to tail"
        placeholder={picked.length === 0 ? 'Every stack service' : undefined}
        data={sourceOptions(sources)}
        value={picked}
        onChange={onPick}
        searchable
        clearable
        w={300}
        size="xs"
        error={sourcesError}
      />
      <SearchInput filters={filters} onChange={onChange} error={searchError} />
      <Switch
        size="xs"
        label="Only matches"
        checked={filters.onlyMatches}
        onChange={(e) => onChange({ onlyMatches: e.currentTarget.checked })}
      />
      <Select
        aria-label="Level"
        data-testid="tail-level"
        data={MIN_LEVELS}
        value={filters.minLevel}
        onChange={(value) => onChange({ minLevel: (value as LogLevel | null) ?? 'trace' })}
        size="xs"
        w={170}
        allowDeselect={false}
      />
      <Switch
        size="xs"
        label="Timestamps"
        checked={filters.showTime}
        onChange={(e) => onChange({ showTime: e.currentTarget.checked })}
      />
      <Switch
        size="xs"
        label="Pretty JSON"
        checked={filters.pretty}
        onChange={(e) => onChange({ pretty: e.currentTarget.checked })}
      />
      <WrapSwitch />
    </Group>
  )
})

/** How many lines came, were skipped or let go, and when the last one came. */
function TailCounts({ buffer }: { buffer: TailState['buffer'] }) {
  const last = buffer.lines.at(-1)
  return (
    <Text size="xs" c="dimmed" ff="monospace" data-testid="tail-counts">
      {buffer.received.toLocaleString()} received
      {buffer.skipped > 0
        ? ` · ${buffer.skipped.toLocaleString()} lines skipped (the view fell behind)`
        : ''}
      {buffer.trimmed > 0 ? ` · ${buffer.trimmed.toLocaleString()} older out of view` : ''}
      {last ? ` · last ${formatClock(last.ts)}` : ''}
    </Text>
  )
}

interface TailButtonsProps {
  following: boolean
  loadingOlder: boolean
  noOlder: boolean
  stored: boolean
  onPause: () => void
  onResume: () => void
  onLoadOlder: () => Promise<number>
  onClear: () => void
  /** What Copy and Download take, read when clicked. */
  shown: { readonly current: { visible: TailLine[]; showTime: boolean } }
}

/** Pause/Follow, older lines, Clear, Copy and Download: redrawn only when one of them changes. */
const TailButtons = memo(function TailButtons(props: TailButtonsProps) {
  const { following, loadingOlder, noOlder, stored } = props
  return (
    <>
      <Button
        size="xs"
        variant="light"
        leftSection={following ? <IconPlayerPause size={14} /> : <IconPlayerPlay size={14} />}
        onClick={following ? props.onPause : props.onResume}
      >
        {following ? 'Pause' : 'Follow'}
      </Button>
      <Button
        size="xs"
        variant="subtle"
        leftSection={<IconHistory size={14} />}
        onClick={() => void props.onLoadOlder()}
        loading={loadingOlder}
        disabled={!stored || noOlder}
      >
        {noOlder ? 'No older lines' : 'Older lines'}
      </Button>
      <Button
        size="xs"
        variant="subtle"
        leftSection={<IconClearAll size={14} />}
        onClick={props.onClear}
      >
        Clear
      </Button>
      <Button
        size="xs"
        variant="subtle"
        leftSection={<IconCopy size={14} />}
        onClick={() => copy(props.shown.current.visible, props.shown.current.showTime)}
      >
        Copy
      </Button>
      <Button
        size="xs"
        variant="subtle"
        leftSection={<IconDownload size={14} />}
        onClick={() => download(props.shown.current.visible)}
      >
        Download
      </Button>
    </>
  )
})

/** Pause/Follow, older lines, Clear, Copy and Download, then the counts. */
export function TailActions({
  tail,
  stored,
  visible,
  showTime,
}: {
  tail: TailState
  stored: boolean
  visible: TailLine[]
  showTime: boolean
}) {
  const { buffer } = tail
  const shown = useLatest({ visible, showTime })
  return (
    <Group gap="xs">
      <TailButtons
        following={buffer.following}
        loadingOlder={tail.loadingOlder}
        noOlder={tail.noOlder}
        stored={stored}
        onPause={tail.pause}
        onResume={tail.resume}
        onLoadOlder={tail.loadOlder}
        onClear={tail.clear}
        shown={shown}
      />
      <TailCounts buffer={buffer} />
    </Group>
  )
}

/** The tail's failure (with Reconnect), its notices, and a hint when no stack is running. */
export function TailAlerts({ tail, noStack }: { tail: TailState; noStack: boolean }) {
  const { buffer } = tail
  return (
    <>
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
      {noStack && (
        <Alert color="blue" title="No stack containers" data-testid="tail-no-stack">
          Start the stack in the Stack panel, or pick any container above to follow it.
        </Alert>
      )}
    </>
  )
}
