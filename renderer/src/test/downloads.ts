import { vi } from 'vitest'

/** A blob's text (jsdom's Blob has no text()). */
export const readBlob = (blob: Blob): Promise<string> =>
  new Promise((resolve) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result as string)
    reader.readAsText(blob)
  })

/** Catches every file the page saves (through URL.createObjectURL) for a test to read back. */
export function captureDownloads(): Blob[] {
  const saved: Blob[] = []
  URL.createObjectURL = vi.fn((blob: Blob) => {
    saved.push(blob)
    return 'blob:x'
  })
  URL.revokeObjectURL = vi.fn()
  return saved
}
