import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LogBatch } from '../../../shared/contract'
import { streamContainerLogs } from './log-stream'
import {
  BASE_IMAGE,
  cleanupSuite,
  docker,
  startHarness,
  subscribe,
  testLabels,
  uniqueSuite,
  type Harness,
} from '../../../test/support/docker'

const suite = uniqueSuite('logs')
let h: Harness

const labelArgs = Object.entries(testLabels(suite)).flatMap(([k, v]) => ['--label', `${k}=${v}`])
const run = (args: string[], command: string[]) =>
  docker('run', '-d', ...labelArgs, ...args, BASE_IMAGE, ...command)

beforeAll(async () => {
  h = await startHarness()
})

afterAll(async () => {
  await cleanupSuite(h.engine.client, suite)
  await h.close()
})

const texts = (batches: LogBatch[]) => batches.flatMap((b) => b.lines.map((l) => l.text))

describe('the log-stream primitive against the real engine', () => {
  it('keeps multi-byte UTF-8 that the engine split across frames (lines over 16 KiB)', async () => {
    // The `local` driver keeps raw bytes: the 16 KiB cuts land inside 3- and 4-byte characters.
    const id = await run(
      ['--log-driver', 'local'],
      [
        'perl',
        '-CS',
        '-e',
        'print "\\x{20ac}" x 10000, "\\n"; print "\\x{1F600}" x 5000, "\\n"; print "short \\x{1F600}\\n"',
      ],
    )
    await docker('wait', id)
    const logs = subscribe(h.client, 'containers:logs', { id, tail: 'all', follow: false })
    const batches = await logs.finished
    expect(texts(batches)).toEqual(['€'.repeat(10_000), '😀'.repeat(5_000), 'short 😀'])
    const times = batches.flatMap((b) => b.lines.map((l) => l.time))
    expect(times.every((t) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/.test(t))).toBe(true)
  })

  it('keeps stdout and stderr apart and decodes text from the default json-file driver', async () => {
    const id = await run(
      [],
      ['sh', '-c', 'echo "grüße 😀"; echo "to stderr" >&2; printf "no newline"'],
    )
    await docker('wait', id)
    const batches = await subscribe(h.client, 'containers:logs', { id, tail: 'all', follow: false })
      .finished
    const lines = batches.flatMap((b) => b.lines)
    expect(lines.map((l) => [l.stream, l.text])).toEqual(
      expect.arrayContaining([
        ['stdout', 'grüße 😀'],
        ['stderr', 'to stderr'],
        ['stdout', 'no newline'],
      ]),
    )
    expect(lines).toHaveLength(3)
  })

  it('follows 100,000 lines written at full speed: all in order, or the drops counted', async () => {
    const id = await docker('create', ...labelArgs, BASE_IMAGE, 'seq', '1', '100000')
    await docker('start', id)
    const started = Date.now()
    const logs = subscribe(h.client, 'containers:logs', { id, tail: 'all', follow: true })
    const batches = await logs.finished
    const seconds = (Date.now() - started) / 1000
    const numbers = texts(batches).map(Number)
    const dropped = batches.reduce((n, b) => n + b.dropped, 0)
    expect(numbers.length + dropped).toBe(100_000)
    expect(numbers.every((n, i) => i === 0 || n > numbers[i - 1]!)).toBe(true)
    if (dropped === 0) expect(numbers.every((n, i) => n === i + 1)).toBe(true)
    expect(numbers.at(-1)).toBe(100_000)
    console.info(
      `100,000 lines: ${numbers.length} delivered, ${dropped} dropped, in ${batches.length} batches, ${seconds.toFixed(2)} s`,
    )
  })

  it('reads a TTY container (raw stream, CRLF line ends)', async () => {
    const id = await run(['-t'], ['sh', '-c', 'echo one; echo "twö"'])
    await docker('wait', id)
    const batches = await subscribe(h.client, 'containers:logs', { id, tail: 'all', follow: false })
      .finished
    expect(texts(batches)).toEqual(['one', 'twö'])
  })

  it('honours tail and since', async () => {
    const id = await run(
      [],
      ['sh', '-c', 'for i in 1 2 3 4 5; do echo $i; done; sleep 1.2; echo late'],
    )
    await docker('wait', id)
    const tail = await subscribe(h.client, 'containers:logs', { id, tail: 2, follow: false })
      .finished
    expect(texts(tail)).toEqual(['5', 'late'])
    const all = (
      await subscribe(h.client, 'containers:logs', { id, tail: 'all', follow: false }).finished
    ).flatMap((b) => b.lines)
    const lateAt = Date.parse(all.at(-1)!.time)
    const since = await subscribe(h.client, 'containers:logs', {
      id,
      tail: 'all',
      follow: false,
      since: lateAt - 500,
    }).finished
    expect(texts(since)).toEqual(['late'])
  })

  it('stops following when aborted, while the container keeps writing', async () => {
    const id = await run(
      [],
      ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done'],
    )
    const controller = new AbortController()
    const batches: LogBatch[] = []
    const following = streamContainerLogs(
      h.engine.client,
      { id, tail: 'all', follow: true, stdout: true, stderr: true },
      {
        emit: (b) => batches.push(b),
        signal: controller.signal,
      },
    )
    while (texts(batches).length < 5) await new Promise((r) => setTimeout(r, 20))
    controller.abort()
    // Ends by itself: the container keeps logging and would otherwise hold the stream open.
    await expect(following).resolves.toBeUndefined()
    const count = texts(batches).length
    await new Promise((r) => setTimeout(r, 300))
    expect(texts(batches).length).toBe(count)
    expect(await docker('inspect', '-f', '{{.State.Running}}', id)).toBe('true')
  })

  it('answers NOT_FOUND for logs of an unknown container', async () => {
    const logs = subscribe(h.client, 'containers:logs', { id: 'no-such-container-xyz' })
    await expect(logs.finished).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
