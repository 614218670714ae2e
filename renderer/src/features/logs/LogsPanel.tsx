import { useMemo, useState } from 'react'
import { Alert, Button, Drawer, Group, Stack, Text } from '@mantine/core'
import { IconRefresh } from '@tabler/icons-react'
import type { LogEntry, LogQuery } from '../../../../shared/contract'
import { useCall } from '../../transport/hooks'
import { ListEmpty } from '../../ui/ListStates'
import { WrapSwitch } from '../../ui/LogPane'
import { PanelHeader } from '../../ui/PanelHeader'
import { defaultFilters, isNarrowed, toQuery, type LogFilters } from './filters'
import { LogDetail } from './LogDetail'
import { LogHistogram, sumOf } from './LogHistogram'
import { LogResults } from './LogResults'
import { ExportMenu, ExportProgressCard, useLogExport } from './LogsExport'
import { LogsFilters } from './LogsFilters'
import { StoreAlert, StoreBadge, useStoreStatus } from './StoreStatus'
import { useLogSearch } from './useLogSearch'

const KNOWN_SERVICES = ['api', 'emailer', 'logger', 'broker', 'smtp']

/** The one count: entries the store finds for the search in its time range (the bars' sum). */
const matchCount = (n: number): string =>
  `${n.toLocaleString()} ${n === 1 ? 'entry matches' : 'entries match'}`

type DetailTarget = { id: number } | { emailId: string }

function useHistogram(query: LogQuery, refreshKey: number) {
  return useCall('logs:histogram', { query, buckets: 80 }, { key: refreshKey }).data
}

/** The services to pick from: the known ones, the collector's, and those in the results. */
function serviceNames(containers: Array<{ service: string }>, entries: LogEntry[]): string[] {
  const names = new Set(KNOWN_SERVICES)
  for (const container of containers) names.add(container.service)
  for (const entry of entries.slice(0, 500)) names.add(entry.service)
  return [...names].sort()
}

/** The search's failure (with Try again), a hint when nothing matches, or the results. */
function LogsSearchResults({
  search,
  filters,
  query,
  height,
  onOpen,
  selectedId,
}: {
  search: ReturnType<typeof useLogSearch>
  filters: LogFilters
  query: LogQuery
  height: string | number
  onOpen: (entry: LogEntry) => void
  selectedId: number | null
}) {
  if (search.error) {
    return (
      <Alert color="red" title="The search failed" role="alert" data-testid="logs-error">
        <Stack gap={6}>
          <Text size="sm">{search.error.message}</Text>
          <Group>
            <Button size="xs" variant="light" color="red" onClick={search.reload}>
              Try again
            </Button>
          </Group>
        </Stack>
      </Alert>
    )
  }
  if (!search.loading && search.entries.length === 0) {
    const narrowed = isNarrowed(filters)
    return (
      <ListEmpty
        title={narrowed ? 'Nothing matches this search' : 'No log entries in this time range'}
        description={
          narrowed
            ? 'Try other words, fewer filters or a longer time range.'
            : 'Entries appear as the stack runs and emails are sent.'
        }
      />
    )
  }
  return (
    <LogResults
      entries={search.entries}
      more={search.more}
      loading={search.loading}
      onMore={search.loadMore}
      onOpen={onOpen}
      selectedId={selectedId}
      height={height}
      search={query.text}
    />
  )
}

/** One log entry, or the log of one email, beside the results. */
function LogDetailDrawer({
  detail,
  onClose,
  onOpenEmail,
}: {
  detail: DetailTarget | null
  onClose: () => void
  onOpenEmail: (emailId: string) => void
}) {
  return (
    <Drawer
      opened={detail !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={detail && 'emailId' in detail ? `Email ${detail.emailId}` : 'Log entry'}
    >
      {detail && <LogDetail target={detail} onOpenEmail={onOpenEmail} />}
    </Drawer>
  )
}

export function LogsPanel({ height = 'calc(100vh - 420px)' }: { height?: string | number }) {
  const [applied, setApplied] = useState(() => ({ filters: defaultFilters, now: Date.now() }))
  const [refreshKey, setRefreshKey] = useState(0)
  const [detail, setDetail] = useState<DetailTarget | null>(null)
  const query = useMemo(() => toQuery(applied.filters, applied.now), [applied])
  const search = useLogSearch(query, refreshKey)
  const histogram = useHistogram(query, refreshKey)
  const store = useStoreStatus()
  const logExport = useLogExport(query)

  const setFilters = (filters: LogFilters): void => setApplied({ filters, now: Date.now() })
  const refresh = (): void => {
    setApplied((current) => ({ ...current, now: Date.now() }))
    setRefreshKey((n) => n + 1)
  }
  const services = useMemo(
    () => serviceNames(store.data?.collector.containers ?? [], search.entries),
    [store.data, search.entries],
  )
  const selectedId = detail && 'id' in detail ? detail.id : null

  return (
    <Stack gap="sm">
      <PanelHeader title="Logs" count={histogram ? matchCount(sumOf(histogram)) : undefined}>
        <WrapSwitch />
        <StoreBadge status={store.data} onChanged={store.refresh} />
        <Button
          size="xs"
          variant="subtle"
          leftSection={<IconRefresh size={14} />}
          onClick={refresh}
        >
          Refresh
        </Button>
        <ExportMenu logExport={logExport} />
      </PanelHeader>
      <StoreAlert status={store.data} onReset={() => store.refresh()} />
      <ExportProgressCard logExport={logExport} />
      <LogsFilters value={applied.filters} onChange={setFilters} services={services} />
      {search.notice && (
        <Alert color="yellow" data-testid="logs-notice" py={6}>
          <Text size="sm">{search.notice}</Text>
        </Alert>
      )}
      <LogHistogram
        histogram={histogram}
        onSelect={(from, to) => setFilters({ ...applied.filters, range: 'custom', from, to })}
      />
      <LogsSearchResults
        search={search}
        filters={applied.filters}
        query={query}
        height={height}
        onOpen={(entry) => setDetail({ id: entry.id })}
        selectedId={selectedId}
      />
      {search.tookMs !== null && (
        <Text size="xs" c="dimmed" ff="monospace">
          first page in {search.tookMs} ms
        </Text>
      )}
      <LogDetailDrawer
        detail={detail}
        onClose={() => setDetail(null)}
        onOpenEmail={(emailId) => {
          setDetail(null)
          setFilters({ ...defaultFilters, range: 'all', text: `"${emailId}"` })
        }}
      />
    </Stack>
  )
}
