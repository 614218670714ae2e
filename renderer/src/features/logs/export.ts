import type { ExportFormat, LogQuery, MaildockClient } from '../../../../shared/contract'

export interface ExportProgress {
  rows: number
  bytes: number
}

/**
 * Pulls the export chunk by chunk (main never holds the result set) into Blob parts, then saves
 * it through a download link: the same in Electron and in a browser.
 */
export async function exportLogs(
  call: MaildockClient['call'],
  query: LogQuery,
  format: ExportFormat,
  onProgress: (progress: ExportProgress) => void,
  signal: AbortSignal,
): Promise<{ rows: number; blob: Blob }> {
  const parts: string[] = []
  let rows = 0
  let bytes = 0
  let cursor: string | undefined
  do {
    if (signal.aborted) throw new DOMException('Export cancelled', 'AbortError')
    const chunk = await call('logs:export', {
      query,
      format,
      ...(cursor === undefined ? {} : { cursor }),
    })
    parts.push(chunk.chunk)
    rows += chunk.rows
    bytes += chunk.chunk.length
    onProgress({ rows, bytes })
    cursor = chunk.nextCursor ?? undefined
  } while (cursor !== undefined)
  const type = format === 'csv' ? 'text/csv' : 'application/x-ndjson'
  return { rows, blob: new Blob(parts, { type }) }
}
