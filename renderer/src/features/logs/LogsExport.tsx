import { useRef, useState } from 'react'
import { Button, Card, Group, Menu, Progress, Text } from '@mantine/core'
import { IconDownload } from '@tabler/icons-react'
import type { ExportFormat, LogQuery } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { saveBlob, stampedName } from '../../ui/download'
import { notifyDone, notifyError } from '../../ui/notify'
import { exportLogs, type ExportProgress } from './export'

/** Exports every result of `query` to a file; `exporting` is its progress while it runs. */
export function useLogExport(query: LogQuery) {
  const { call } = useAction()
  const [exporting, setExporting] = useState<ExportProgress | null>(null)
  const exportAbort = useRef<AbortController | null>(null)

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
  return { exporting, runExport, cancel: () => exportAbort.current?.abort() }
}

type LogExport = ReturnType<typeof useLogExport>

export function ExportMenu({ logExport }: { logExport: LogExport }) {
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconDownload size={14} />}
          disabled={logExport.exporting !== null}
        >
          Export
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Every result of this search</Menu.Label>
        <Menu.Item onClick={() => logExport.runExport('jsonl')}>JSON lines (.jsonl)</Menu.Item>
        <Menu.Item onClick={() => logExport.runExport('csv')}>CSV (.csv)</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  )
}

export function ExportProgressCard({ logExport }: { logExport: LogExport }) {
  const { exporting } = logExport
  if (!exporting) return null
  return (
    <Card withBorder padding="xs" data-testid="export-progress">
      <Group justify="space-between">
        <Text size="sm">Exporting… {exporting.rows.toLocaleString()} entries so far</Text>
        <Button size="xs" variant="subtle" onClick={logExport.cancel}>
          Cancel
        </Button>
      </Group>
      <Progress value={100} animated size="xs" mt={4} />
    </Card>
  )
}
