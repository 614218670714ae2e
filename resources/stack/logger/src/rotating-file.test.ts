import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RotatingFile } from './rotating-file'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rotating-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('RotatingFile', () => {
  it('appends whole lines and rotates before a write would pass the size limit', async () => {
    const path = join(dir, 'logs', 'events.log')
    const file = new RotatingFile({ path, maxBytes: 20, keep: 2 })
    for (const line of [
      'aaaaaaaaa\n',
      'bbbbbbbbb\n',
      'ccccccccc\n',
      'ddddddddd\n',
      'eeeeeeeee\n',
    ]) {
      await file.append(line)
    }
    file.close()
    expect(readFileSync(path, 'utf8')).toBe('eeeeeeeee\n')
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('ccccccccc\nddddddddd\n')
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('aaaaaaaaa\nbbbbbbbbb\n')
    expect(existsSync(`${path}.3`)).toBe(false)
  })

  it('continues an existing file after a restart', async () => {
    const path = join(dir, 'events.log')
    const first = new RotatingFile({ path, maxBytes: 1000, keep: 1 })
    await first.append('one\n')
    first.close()
    const second = new RotatingFile({ path, maxBytes: 1000, keep: 1 })
    expect(second.currentSize).toBe(4)
    await second.append('two\n')
    second.close()
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n')
  })

  it('writes a batch larger than the limit into a file of its own', async () => {
    const path = join(dir, 'events.log')
    const file = new RotatingFile({ path, maxBytes: 4, keep: 1 })
    await file.append('x\n')
    await file.append('0123456789\n')
    file.close()
    expect(readFileSync(path, 'utf8')).toBe('0123456789\n')
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('x\n')
  })
})
