import { useCallback, useMemo, useState } from 'react'
import { Badge, Stack } from '@mantine/core'
import { useCall } from '../../transport/hooks'
import { PanelHeader } from '../../ui/PanelHeader'
import { useWrapLines } from '../../ui/useWrapLines'
import { buildMatcher } from './highlight'
import { emptyTailText, initialTailFilters, selectionFrom, visibleLines } from './tail-filters'
import type { TailFilters } from './tail-filters'
import { TailActions, TailAlerts, TailFilterBar } from './TailControls'
import { TailList } from './TailList'
import { useTail } from './useTail'

export function TailPanel({ height = 'calc(100vh - 260px)' }: { height?: string | number }) {
  const sourceList = useCall('logs:sources', {})
  const sources = useMemo(() => sourceList.data?.sources ?? [], [sourceList.data])
  const [picked, setPicked] = useState<string[]>([])
  const [filters, setFilters] = useState<TailFilters>(initialTailFilters)
  const changeFilters = useCallback(
    (change: Partial<TailFilters>): void => setFilters((previous) => ({ ...previous, ...change })),
    [],
  )
  const { search, regex, onlyMatches, minLevel, showTime, pretty } = filters
  const [wrap] = useWrapLines()

  const selection = useMemo(() => selectionFrom(picked, sources), [picked, sources])
  const tail = useTail(selection)
  const { buffer } = tail
  const { matcher, error: searchError } = useMemo(
    () => buildMatcher(search, regex),
    [search, regex],
  )
  const visible = useMemo(
    () => visibleLines(buffer.lines, minLevel, onlyMatches ? matcher : null),
    [buffer.lines, minLevel, onlyMatches, matcher],
  )
  const services = new Set(buffer.lines.slice(-500).map((l) => l.service))
  const showService = services.size > 1 || picked.length !== 1
  // One object while nothing in it changes: the rows already drawn are not drawn again.
  const options = useMemo(
    () => ({ showTime, showService, pretty, wrap, matcher }),
    [showTime, showService, pretty, wrap, matcher],
  )
  const noStack =
    buffer.historyDone &&
    buffer.lines.length === 0 &&
    sources.every((s) => !s.stack) &&
    picked.length === 0

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
      <TailFilterBar
        sources={sources}
        sourcesError={sourceList.error?.message}
        picked={picked}
        onPick={setPicked}
        filters={filters}
        onChange={changeFilters}
        searchError={searchError}
      />
      <TailActions tail={tail} stored={selection.stored} visible={visible} showTime={showTime} />
      <TailAlerts tail={tail} noStack={noStack} />
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
