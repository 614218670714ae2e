import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it, vi } from 'vitest'
import { StackLocks } from './lock'

describe('StackLocks', () => {
  it('runs operations on one stack one after the other', async () => {
    const locks = new StackLocks(await mkdtemp(join(tmpdir(), 'maildock-lock-')))
    const events: string[] = []
    const run = async (name: string) => {
      const release = await locks.acquire('s', { operation: name })
      events.push(`${name} start`)
      await sleep(30)
      events.push(`${name} end`)
      await release()
    }
    await Promise.all([run('a'), run('b'), run('c')])
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end'])
  })

  it('lets different stacks run at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maildock-lock-'))
    const locks = new StackLocks(dir)
    const first = await locks.acquire('one', { operation: 'up' })
    const second = await locks.acquire('two', { operation: 'down' })
    // Both are held at the same time, each in its own file.
    expect(JSON.parse(await readFile(join(dir, 'stack-one.lock'), 'utf8'))).toMatchObject({
      pid: process.pid,
      operation: 'up',
    })
    expect(JSON.parse(await readFile(join(dir, 'stack-two.lock'), 'utf8'))).toMatchObject({
      pid: process.pid,
      operation: 'down',
    })
    await Promise.all([first(), second()])
  })

  it('waits for another process holding the lock file, and says who', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maildock-lock-'))
    const file = join(dir, 'stack-s.lock')
    // A live process that is not us: our parent.
    const holder = { pid: process.ppid, host: hostname(), operation: 'up', startedAt: Date.now() }
    await writeFile(file, JSON.stringify(holder))
    const waits: number[] = []
    const locks = new StackLocks(dir)
    const acquired = locks.acquire('s', { operation: 'down', onWait: (h) => waits.push(h.pid) })
    await vi.waitFor(() => expect(waits).toEqual([process.ppid]), { timeout: 30_000 })
    await rm(file)
    const release = await acquired
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      pid: process.pid,
      operation: 'down',
    })
    await release()
  })

  it('takes over a lock left by a process that is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maildock-lock-'))
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid
    await writeFile(
      join(dir, 'stack-s.lock'),
      JSON.stringify({ pid: gone, host: hostname(), operation: 'up', startedAt: 1 }),
    )
    const release = await new StackLocks(dir).acquire('s', { operation: 'up', timeoutMs: 30_000 })
    expect(JSON.parse(await readFile(join(dir, 'stack-s.lock'), 'utf8'))).toMatchObject({
      pid: process.pid,
      operation: 'up',
    })
    await release()
  })

  it('gives up after the time-out with a clear message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maildock-lock-'))
    const holder = { pid: process.ppid, host: hostname(), operation: 'up', startedAt: Date.now() }
    await writeFile(join(dir, 'stack-s.lock'), JSON.stringify(holder))
    await expect(
      new StackLocks(dir).acquire('s', { operation: 'up', timeoutMs: 300 }),
    ).rejects.toThrow(/Another MailDock \(pid \d+ on .*\) has been running "up" on stack s/)
  })
})
