import {
  closeSync,
  existsSync,
  fdatasync,
  fstatSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { promisify } from 'node:util'

const fdatasyncAsync = promisify(fdatasync)

export interface RotatingFileOptions {
  path: string
  /** Rotate before a write would take the file past this size. */
  maxBytes: number
  /** Rotated files kept: path.1 (newest) .. path.N (oldest). */
  keep: number
}

/** An append-only file rotated by size: path -> path.1 -> ... -> path.keep -> deleted. */
export class RotatingFile {
  private fd: number
  private size: number

  constructor(private readonly options: RotatingFileOptions) {
    mkdirSync(dirname(options.path), { recursive: true })
    this.fd = openSync(options.path, 'a')
    this.size = fstatSync(this.fd).size
  }

  get currentSize(): number {
    return this.size
  }

  /** Appends `text` (whole lines), rotating first if needed, and waits until it is on disk. */
  async append(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text)
    if (this.size > 0 && this.size + bytes > this.options.maxBytes) this.rotate()
    writeSync(this.fd, text)
    this.size += bytes
    await fdatasyncAsync(this.fd)
  }

  close(): void {
    closeSync(this.fd)
  }

  private rotate(): void {
    closeSync(this.fd)
    const { path, keep } = this.options
    rmSync(`${path}.${keep}`, { force: true })
    for (let index = keep - 1; index >= 1; index -= 1) {
      if (existsSync(`${path}.${index}`)) renameSync(`${path}.${index}`, `${path}.${index + 1}`)
    }
    if (keep >= 1) renameSync(path, `${path}.1`)
    else rmSync(path, { force: true })
    this.fd = openSync(path, 'a')
    this.size = 0
  }
}
