import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HOLDER_STALE_MS, holdFile, readHolder } from './holder-file'

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-holder-'))
  file = join(dir, 'logs.holder.json')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const write = (holder: object) => writeFileSync(file, JSON.stringify(holder))
/** A pid no process has: past the kernel's usual pid_max. */
const GONE_PID = 4_194_305

describe('holder file', () => {
  it('names this process while held and is gone once released', () => {
    const release = holdFile(file, 'the app')
    expect(readHolder(file)).toMatchObject({ pid: process.pid, host: hostname(), by: 'the app' })
    release()
    expect(readHolder(file)).toBeNull()
  })

  it('is not held when missing, unreadable or left by a crashed process', () => {
    expect(readHolder(file)).toBeNull()
    writeFileSync(file, '{"pid":')
    expect(readHolder(file)).toBeNull()
    write({ pid: GONE_PID, host: hostname(), by: 'the app', startedAt: 1 })
    expect(readHolder(file)).toBeNull()
  })

  it('is not held when its heartbeat stopped (another host, or a reused pid)', () => {
    write({ pid: process.pid, host: 'elsewhere', by: 'the app', startedAt: 1 })
    expect(readHolder(file)?.host).toBe('elsewhere')
    const old = new Date(Date.now() - HOLDER_STALE_MS - 5_000)
    utimesSync(file, old, old)
    expect(readHolder(file)).toBeNull()
  })

  it('releasing leaves a file another process holds', () => {
    const release = holdFile(file, 'the app')
    write({ pid: 1, host: hostname(), by: 'another', startedAt: 1 })
    release()
    expect(readHolder(file)?.by).toBe('another')
  })
})
