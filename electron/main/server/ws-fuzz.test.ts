// Fuzz of browser mode (issue #11): generated frames for every channel and event, unknown names,
// malformed, binary and oversized frames, against the real server and the real core. The core's
// engine is a socket that does not exist, so no generated input can reach a real Docker engine
// (a fuzzed containers:remove must never run); engine:set-endpoint only gets such sockets too.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channels, errorCodes, events, MAX_FRAME_BYTES } from '../../../shared/contract'
import { inputSchema, SchemaFuzzer } from '../../../test/support/schema-fuzz'
import { createCore, type Core } from '../core'
import { startServer, type RunningServer } from './server'

const PER_NAME = 24
const dataDir = mkdtempSync(join(tmpdir(), 'maildock-ws-fuzz-'))
const nowhere = (n: number) => `unix://${join(dataDir, `no-engine-${n}.sock`)}`
const handlerFailures: string[] = []
let core: Core
let server: RunningServer
let origin = ''

beforeAll(async () => {
  core = createCore({
    env: { MAILDOCK_DATA_DIR: dataDir, DOCKER_HOST: nowhere(0), HOME: dataDir },
    isTrustedSender: (sender) => sender.url.startsWith(`${origin}/`),
    subscribe: false,
    // The router reports a handler that threw something other than a MaildockError this way.
    log: (message, error) => {
      if (message.startsWith('handler ')) handlerFailures.push(`${message}: ${String(error)}`)
    },
  })
  server = await startServer({ router: core.router, rendererDir: join(dataDir, 'no-renderer') })
  origin = server.origin
})

afterAll(async () => {
  await server?.close()
  await core?.dispose()
})

type Frame = Record<string, unknown>

function open(): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Sends frames and collects every answer until each id is answered (or the socket closes). */
class Client {
  readonly answers = new Map<unknown, Frame>()
  readonly anonymous: Frame[] = []
  private waiters: Array<() => void> = []
  constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const frame = JSON.parse((raw as Buffer).toString('utf8')) as Frame
      if (frame.id === null) this.anonymous.push(frame)
      else if (!this.answers.has(frame.id)) this.answers.set(frame.id, frame)
      for (const wake of this.waiters.splice(0)) wake()
    })
  }
  async until(done: () => boolean, limitMs = 30_000): Promise<void> {
    const deadline = Date.now() + limitMs
    while (!done() && Date.now() < deadline)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 200)
      })
  }
}

const known = new Set<string>(errorCodes)

function isEnvelope(frame: Frame): boolean {
  if (frame.type === 'result')
    return frame.ok === true
      ? 'result' in frame
      : frame.ok === false && known.has((frame.error as { code?: string } | undefined)?.code ?? '')
  if (frame.type === 'error') return known.has((frame.error as { code?: string }).code ?? '')
  return frame.type === 'event' || frame.type === 'end'
}

const codeOf = (frame: Frame): string =>
  frame.type === 'result' && frame.ok === true
    ? 'ok'
    : frame.type === 'event' || frame.type === 'end'
      ? String(frame.type)
      : ((frame.error as { code: string }).code ?? '?')

interface Sent {
  id: number
  name: string
  valid: boolean
  kind: 'call' | 'subscribe'
}

describe('browser-mode WebSocket and router fuzz', () => {
  it('answers every generated frame with a contract envelope and stays up', async () => {
    const fuzz = new SchemaFuzzer(20_261_201)
    const client = new Client(await open())
    const sent: Sent[] = []
    let id = 0
    const send = (kind: Sent['kind'], name: string, input: unknown) => {
      id += 1
      const frame = { type: kind, id, [kind === 'call' ? 'channel' : 'event']: name, input }
      // What the server parses: JSON drops undefined; the router reads a missing input as {}.
      const parsed = JSON.parse(JSON.stringify(frame)) as { input?: unknown }
      const schema = kind === 'call' ? channels[name as keyof typeof channels] : undefined
      const eventSchema = kind === 'subscribe' ? events[name as keyof typeof events] : undefined
      const def = schema ?? eventSchema
      const accepted = def?.input.safeParse(parsed.input ?? {}).success ?? false
      sent.push({ id, name, valid: accepted, kind })
      client.socket.send(JSON.stringify(frame))
    }

    for (const [name, def] of Object.entries(channels)) {
      const schema = inputSchema(def.input)
      for (let i = 0; i < PER_NAME; i += 1) {
        let input = i % 2 === 0 ? fuzz.valid(schema) : fuzz.invalid(schema)
        if (name === 'engine:set-endpoint' && i % 2 === 0) input = { address: nowhere(i) }
        send('call', name, input)
      }
    }
    for (const [name, def] of Object.entries(events)) {
      const schema = inputSchema(def.input)
      for (let i = 0; i < PER_NAME; i += 1) {
        send('subscribe', name, i % 2 === 0 ? fuzz.valid(schema) : fuzz.invalid(schema))
        client.socket.send(JSON.stringify({ type: 'unsubscribe', id }))
      }
    }
    for (let i = 0; i < 200; i += 1) {
      const name = `${fuzz.pick(['containers', 'engine', 'x', '__proto__', 'constructor'])}:${fuzz.string(0, 12)}`
      send(i % 2 === 0 ? 'call' : 'subscribe', name, fuzz.valid({}))
    }
    const calls = sent.filter((s) => s.kind === 'call').length
    await client.until(() =>
      sent.filter((s) => s.kind === 'call').every((s) => client.answers.has(s.id)),
    )

    // Malformed frames: not JSON, JSON of the wrong shape, binary.
    const malformed = [
      ...Array.from({ length: 100 }, () => `{${fuzz.string(0, 40)}`),
      ...Array.from({ length: 100 }, () =>
        JSON.stringify(fuzz.pick([[], 1, 'x', null, { type: 'call' }, { type: 'nope', id: 1 }])),
      ),
    ]
    for (const text of malformed) client.socket.send(text)
    for (let i = 0; i < 100; i += 1)
      client.socket.send(Buffer.from(Array.from({ length: 1 + fuzz.int(64) }, () => fuzz.int(256))))
    await client.until(() => client.anonymous.length >= 300)

    const answers = [...client.answers.values(), ...client.anonymous]
    const counts: Record<string, number> = {}
    for (const frame of answers) counts[codeOf(frame)] = (counts[codeOf(frame)] ?? 0) + 1
    console.log(
      `WebSocket fuzz: ${sent.length + 300} frames (${calls} calls, ${sent.length - calls} subscriptions, 300 malformed) on ${Object.keys(channels).length} channels and ${Object.keys(events).length} events; answers by code:`,
      counts,
    )
    expect(sent.length + 300).toBeGreaterThanOrEqual(2000)
    expect(answers.filter((frame) => !isEnvelope(frame))).toEqual([])
    expect(sent.filter((s) => s.kind === 'call' && !client.answers.has(s.id))).toEqual([])
    expect(client.anonymous.filter((f) => codeOf(f) !== 'INVALID_INPUT')).toEqual([])
    // An input outside its schema never reaches a handler: the router answers INVALID_INPUT (or
    // UNKNOWN_CHANNEL) before any handler runs.
    const leaked = sent.filter((s) => {
      const answer = client.answers.get(s.id)
      return (
        !s.valid &&
        answer !== undefined &&
        !['INVALID_INPUT', 'UNKNOWN_CHANNEL'].includes(codeOf(answer)) &&
        s.kind === 'call'
      )
    })
    expect(leaked.map((s) => s.name)).toEqual([])
    const internal = sent.flatMap((s) => {
      const answer = client.answers.get(s.id)
      return answer && codeOf(answer) === 'INTERNAL'
        ? [`${s.name}: ${(answer.error as { message: string }).message}`]
        : []
    })
    expect([...new Set(internal)]).toEqual([])
    expect(handlerFailures).toEqual([])
    // Nothing reached a real engine: the endpoint is still a socket that does not exist.
    expect(core.engine.status.endpoint.address).toMatch(new RegExp(`^unix://${dataDir}`))
    client.socket.close()
  }, 60_000)

  it('closes only the socket that sends an oversized frame; the server keeps serving', async () => {
    const socket = await open()
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
    socket.send(Buffer.alloc(MAX_FRAME_BYTES + 1, 0x20))
    expect(await closed).toBe(1009)
    const client = new Client(await open())
    client.socket.send(
      JSON.stringify({ type: 'call', id: 'final', channel: 'engine:status', input: {} }),
    )
    await client.until(() => client.answers.has('final'))
    expect(client.answers.get('final')).toMatchObject({ type: 'result', ok: true })
    client.socket.close()
  }, 60_000)
})
