/** Saves a file: the browser's download in browser mode, a save prompt in Electron. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export const saveText = (fileName: string, text: string, type = 'text/plain'): void =>
  saveBlob(new Blob([text], { type }), fileName)

/** `maildock-logs-2026-12-01T09-12-16-000Z.jsonl`: a name that sorts by time and is valid anywhere. */
export const stampedName = (prefix: string, extension: string): string =>
  `maildock-${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}.${extension}`
