import { useMemo, useRef, useState } from 'react'
import { Alert, Button, Card, Drawer, Group, Menu, Progress, Stack, Text } from '@mantine/core'
import { IconDownload, IconRefresh } from '@tabler/icons-react'
import type { ExportFormat, LogEntry } from '../../../../shared/contract'
import { useAction, useCall } from '../../transport/hooks'
import { saveBlob, stampedName } from '../../ui/download'
import { ListEmpty } from '../../ui/ListStates'
import { notifyDone, notifyError } from '../../ui/notify'
import { WrapSwitch } from '../../ui/LogPane'
import { PanelHeader } from '../../ui/PanelHeader'
import { exportLogs, type ExportProgress } from './export'
import { defaultFilters, isNarrowed, toQuery, type LogFilters } from './filters'
import { LogDetail } from './LogDetail'
import { LogHistogram, sumOf } from './LogHistogram'
import { LogResults } from './LogResults'
import { LogsFilters } from './LogsFilters'
import { StoreAlert, StoreBadge, useStoreStatus } from './StoreStatus'
import { useLogSearch } from './useLogSearch'

const KNOWN_SERVICES = ['api', 'emailer', 'logger', 'broker', 'smtp']

/** The one count: entries the store finds for the search in its time range (the bars' sum). */
const matchCount = (n: number): string =>
  `${n.toLocaleString()} ${n === 1 ? 'entry matches' : 'entries match'}`

type DetailTarget = { id: number } | { emailId: string }

function useHistogram(query: ReturnType<typeof toQuery>, refreshKey: number) {
  return useCall('logs:histogram', { query, buckets: 80 }, { key: refreshKey }).data
}

export function LogsPanel({ height = 'calc(100vh - 420px)' }: { height?: string | number }) {
  const { call } = useAction()
  const [applied, setApplied] = useState(() => ({ filters: defaultFilters, now: Date.now() }))
  const [refreshKey, setRefreshKey] = useState(0)
  const [detail, setDetail] = useState<DetailTarget | null>(null)
  const [exporting, setExporting] = useState<ExportProgress | null>(null)
  const exportAbort = useRef<AbortController | null>(null)
  const query = useMemo(() => toQuery(applied.filters, applied.now), [applied])
  const search = useLogSearch(query, refreshKey)
  const histogram = useHistogram(query, refreshKey)
  const store = useStoreStatus()

  const setFilters = (filters: LogFilters): void => setApplied({ filters, now: Date.now() })
  const refresh = (): void => {
    setApplied((current) => ({ ...current, now: Date.now() }))
    setRefreshKey((n) => n + 1)
  }
  const services = useMemo(() => {
    const names = new Set(KNOWN_SERVICES)
    for (const container of store.data?.collector.containers ?? []) names.add(container.service)
    for (const entry of search.entries.slice(0, 500)) names.add(entry.service)
    return [...names].sort()
  }, [store.data, search.entries])

  const runExport = (format: ExportFormat): void => {
    const controller = new AbortController()
    exportAbort.current = controller
    setExporting({ rows: 0, bytes: 0 })
    exportLogs(call, query, format, setExporting, controller.signal)
      .then(({ rows, blob }) => {
        saveBlob(blob, stampedName('logs', format))
        notifyDone('Export ready', `${rows.toLocaleString()} entries`)
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) notifyError('Export failed', error)
      })
      .finally(() => setExporting(null))
  }

  const openEntry = (entry: LogEntry): void => setDetail({ id: entry.id })
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
        <Menu position="bottom-end">
          <Menu.Target>
            <Button
              size="xs"
              variant="light"
              leftSection={<IconDownload size={14} />}
              disabled={exporting !== null}
            >
              Export
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>Every result of this search</Menu.Label>
            <Menu.Item onClick={() => runExport('jsonl')}>JSON lines (.jsonl)</Menu.Item>
            <Menu.Item onClick={() => runExport('csv')}>CSV (.csv)</Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </PanelHeader>
      <StoreAlert status={store.data} onReset={() => store.refresh()} />
      {exporting && (
        <Card withBorder padding="xs" data-testid="export-progress">
          <Group justify="space-between">
            <Text size="sm">Exporting… {exporting.rows.toLocaleString()} entries so far</Text>
            <Button size="xs" variant="subtle" onClick={() => exportAbort.current?.abort()}>
              Cancel
            </Button>
          </Group>
          <Progress value={100} animated size="xs" mt={4} />
        </Card>
      )}
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
      {search.error ? (
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
      ) : !search.loading && search.entries.length === 0 ? (
        <ListEmpty
          title={
            isNarrowed(applied.filters)
              ? 'Nothing matches this search'
              : 'No log entries in this time range'
          }
          description={
            isNarrowed(applied.filters)
              ? 'Try other words, fewer filters or a longer time range.'
              : 'Entries appear as the stack runs and emails are sent.'
          }
        />
      ) : (
        <LogResults
          entries={search.entries}
          more={search.more}
          loading={search.loading}
          onMore={search.loadMore}
          onOpen={openEntry}
          selectedId={selectedId}
          height={height}
          search={query.text}
        />
      )}
      {search.tookMs !== null && (
        <Text size="xs" c="dimmed" ff="monospace">
          first page in {search.tookMs} ms
        </Text>
      )}
      <Drawer
        opened={detail !== null}
        onClose={() => setDetail(null)}
        position="right"
        size="lg"
        title={detail && 'emailId' in detail ? `Email ${detail.emailId}` : 'Log entry'}
      >
        {detail && (
          <LogDetail
            target={detail}
            onOpenEmail={(emailId) => {
              setDetail(null)
              setFilters({ ...defaultFilters, range: 'all', text: `"${emailId}"` })
            }}
          />
        )}
      </Drawer>
    </Stack>
  )
}
