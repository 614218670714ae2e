import { PassThrough } from 'node:stream'
import Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import type { LogBatch } from '../../../shared/contract'
import { streamContainerLogs, type LogStreamInput } from './log-stream'

const T = '2026-01-02T03:04:05.000000001Z'

/** One multiplexed frame as the engine writes it: 8-byte header, then the payload. */
function muxFrame(stream: 1 | 2, payload: Buffer): Buffer {
  const header = Buffer.alloc(8)
  header.writeUInt8(stream, 0)
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}
const timed = (text: Buffer | string, time = T) =>
  Buffer.concat([Buffer.from(`${time} `), Buffer.isBuffer(text) ? text : Buffer.from(text)])

/** A dockerode stand-in whose logs request answers with `body`, using the real modem's demuxer. */
function fakeDocker(body: PassThrough, tty = false) {
  const calls: Array<Record<string, unknown>> = []
  const real = new Docker({ socketPath: '/nonexistent.sock' })
  const docker = {
    modem: {
      demuxStream: real.modem.demuxStream.bind(real.modem),
      dial: (
        request: { options: Record<string, unknown>; abortSignal: AbortSignal },
        done: (e: null, s: PassThrough) => void,
      ) => {
        calls.push({ ...request.options, abortSignal: request.abortSignal })
        done(null, body)
      },
    },
    getContainer: (id: string) => ({
      inspect: () => Promise.resolve({ Id: id, Config: { Tty: tty } }),
    }),
  } as unknown as Docker
  return { docker, calls }
}

const input = (over: Partial<LogStreamInput> = {}): LogStreamInput => ({
  id: 'c1',
  tail: 'all',
  follow: true,
  stdout: true,
  stderr: true,
  ...over,
})

function sink() {
  const controller = new AbortController()
  const batches: LogBatch[] = []
  return {
    batches,
    controller,
    sink: { emit: (b: LogBatch) => batches.push(b), signal: controller.signal },
  }
}

describe('streamContainerLogs (fake engine, real demuxer)', () => {
  it('asks for timestamps and passes the abort signal to dockerode', async () => {
    const body = new PassThrough()
    const { docker, calls } = fakeDocker(body)
    const s = sink()
    const done = streamContainerLogs(docker, input({ tail: 10 }), s.sink)
    await new Promise((r) => setTimeout(r, 10))
    expect(calls[0]).toMatchObject({
      timestamps: true,
      follow: true,
      tail: 10,
      abortSignal: s.controller.signal,
    })
    s.controller.abort()
    await done
    expect(body.destroyed).toBe(true)
  })

  it('rebuilds multi-byte text split across frames and across network chunks', async () => {
    const body = new PassThrough()
    const { docker } = fakeDocker(body)
    const s = sink()
    const done = streamContainerLogs(docker, input(), s.sink)
    const line = `${'€'.repeat(7)} 😀 ünï`
    const bytes = Buffer.from(`${line}\n`)
    const wire = Buffer.concat([
      muxFrame(1, timed(bytes.subarray(0, 5))), // cut inside the second €
      muxFrame(1, timed(bytes.subarray(5, 23))), // cut inside 😀
      muxFrame(1, timed(bytes.subarray(23))),
      muxFrame(2, timed('oops on stderr\n', '2026-01-02T03:04:06.000000000Z')),
    ])
    // Network chunks of 3 bytes: headers and characters are cut everywhere.
    for (let i = 0; i < wire.length; i += 3) body.write(wire.subarray(i, i + 3))
    body.end()
    await done
    const lines = s.batches.flatMap((b) => b.lines)
    expect(lines).toEqual([
      { stream: 'stdout', time: T, text: line },
      { stream: 'stderr', time: '2026-01-02T03:04:06.000000000Z', text: 'oops on stderr' },
    ])
  })

  it(
    'delivers 100,000 lines in order with nothing dropped below the batch limit',
    { timeout: 60_000 },
    async () => {
      const body = new PassThrough()
      const { docker } = fakeDocker(body)
      const s = sink()
      const done = streamContainerLogs(docker, input(), s.sink)
      const total = 100_000
      // 2,000 lines every 10 ms: 200,000 lines/s, half of what 20,000 lines per 50 ms batch allow.
      for (let start = 1; start <= total; start += 2000) {
        const frames: Buffer[] = []
        for (let i = start; i < start + 2000; i++) frames.push(muxFrame(1, timed(`line ${i}\n`)))
        body.write(Buffer.concat(frames))
        await new Promise((r) => setTimeout(r, 10))
      }
      body.end()
      await done
      const texts = s.batches.flatMap((b) => b.lines.map((l) => l.text))
      expect(texts.length).toBe(total)
      expect(texts.every((t, i) => t === `line ${i + 1}`)).toBe(true)
      expect(s.batches.reduce((n, b) => n + b.dropped, 0)).toBe(0)
    },
  )

  it(
    'drops the oldest lines and counts them when more arrive than one batch may hold',
    { timeout: 60_000 },
    async () => {
      const body = new PassThrough()
      const { docker } = fakeDocker(body)
      const s = sink()
      const done = streamContainerLogs(docker, input(), s.sink, {
        intervalMs: 50,
        maxPending: 1000,
      })
      const total = 100_000
      const frames: Buffer[] = []
      for (let i = 1; i <= total; i++) frames.push(muxFrame(1, timed(`line ${i}\n`)))
      body.end(Buffer.concat(frames))
      await done
      const numbers = s.batches.flatMap((b) => b.lines.map((l) => Number(l.text.slice(5))))
      const dropped = s.batches.reduce((n, b) => n + b.dropped, 0)
      expect(dropped).toBeGreaterThan(0)
      expect(numbers.length + dropped).toBe(total)
      expect(numbers.every((n, i) => i === 0 || n > numbers[i - 1]!)).toBe(true)
      expect(numbers.at(-1)).toBe(total)
      expect(Math.max(...s.batches.map((b) => b.lines.length))).toBeLessThanOrEqual(1000)
    },
  )

  it('reads TTY output as raw text', async () => {
    const body = new PassThrough()
    const { docker } = fakeDocker(body, true)
    const s = sink()
    const done = streamContainerLogs(docker, input(), s.sink)
    body.end(Buffer.from(`${T} prompt$ ls\r\n${T} a  b\r\n`))
    await done
    expect(s.batches.flatMap((b) => b.lines.map((l) => l.text))).toEqual(['prompt$ ls', 'a  b'])
  })

  it('turns a connection reset mid-stream into ENGINE_UNREACHABLE', async () => {
    const body = new PassThrough()
    const { docker } = fakeDocker(body)
    const s = sink()
    const done = streamContainerLogs(docker, input(), s.sink)
    body.write(muxFrame(1, timed('before\n')))
    await new Promise((r) => setTimeout(r, 5))
    body.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
    await expect(done).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE' })
    expect(s.batches.flatMap((b) => b.lines.map((l) => l.text))).toEqual(['before'])
  })
})
