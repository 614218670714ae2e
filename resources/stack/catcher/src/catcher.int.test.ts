// The built maildock/catcher image on the real engine: published on 127.0.0.1 with host ports
// Docker picks, fed by swaks (a real SMTP client), read back over its Mailpit-compatible API.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const docker = new Docker()
const image = process.env.MAILDOCK_CATCHER_IMAGE ?? 'maildock/catcher:local'

let container: Docker.Container
let smtpPort: string
let api: string

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await delay(250)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

async function swaks(to: string, subject: string): Promise<{ code: number; output: string }> {
  const args = ['--server', `127.0.0.1:${smtpPort}`, '--from', 'swaks@example.test', '--to', to]
  args.push('--header', `Subject: ${subject}`, '--body', `body of ${subject}`)
  args.push('--auth', 'PLAIN', '--auth-user', 'anyone', '--auth-password', 'anything')
  return run('swaks', args, { timeout: 30_000 }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code?: number; stdout?: string }) => ({
      code: error.code ?? -1,
      output: error.stdout ?? '',
    }),
  )
}

async function messages(): Promise<{ total: number; messages: { ID: string; Subject: string }[] }> {
  const response = await fetch(`${api}/api/v1/messages`)
  expect(response.status).toBe(200)
  return (await response.json()) as { total: number; messages: { ID: string; Subject: string }[] }
}

async function putChaos(body: unknown): Promise<void> {
  const response = await fetch(`${api}/api/v1/chaos`, { method: 'PUT', body: JSON.stringify(body) })
  expect(response.status).toBe(200)
}

beforeAll(async () => {
  await docker
    .getImage(image)
    .inspect()
    .catch(() => {
      throw new Error(`${image} is missing: run sudo scripts/images/build-local-images.sh`)
    })
  container = await docker.createContainer({
    Image: image,
    Labels: { 'maildock.test': '1' },
    ExposedPorts: { '1025/tcp': {}, '8025/tcp': {} },
    HostConfig: {
      PortBindings: {
        '1025/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
        '8025/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      },
    },
  })
  await container.start()
  const ports = (await container.inspect()).NetworkSettings.Ports
  smtpPort = ports['1025/tcp']?.[0]?.HostPort ?? ''
  api = `http://127.0.0.1:${ports['8025/tcp']?.[0]?.HostPort ?? ''}`
  expect(smtpPort).toMatch(/^\d+$/)
  await waitUntil(
    'the image HEALTHCHECK to report healthy',
    async () => (await container.inspect()).State.Health?.Status === 'healthy',
    30_000,
  )
})

afterAll(async () => {
  await container?.remove({ force: true, v: true })
})

describe(`${image} on the real engine`, () => {
  it('runs as the non-root user 1000', async () => {
    const info = await container.inspect()
    expect(info.Config.User).toBe('1000:1000')
  })

  it('catches a message sent by swaks and serves it back', async () => {
    const sent = await swaks('rcpt@example.test', 'int test one')
    expect(sent.code, sent.output).toBe(0)
    const page = await messages()
    expect(page.total).toBe(1)
    expect(page.messages[0]?.Subject).toBe('int test one')
    const response = await fetch(`${api}/api/v1/message/${page.messages[0]?.ID}`)
    const message = (await response.json()) as { Text: string; To: { Address: string }[] }
    expect(message.Text).toContain('body of int test one')
    expect(message.To).toEqual([{ Name: '', Address: 'rcpt@example.test' }])
  })

  it('rejects with 550 under chaos and accepts again after reset', async () => {
    await putChaos({ Recipient: { ErrorCode: 550, Probability: 100 } })
    const rejected = await swaks('rcpt@example.test', 'int test rejected')
    expect(rejected.code).not.toBe(0)
    expect(rejected.output).toContain('550 Chaos recipient error')

    await putChaos({})
    const accepted = await swaks('rcpt@example.test', 'int test two')
    expect(accepted.code, accepted.output).toBe(0)
    expect((await messages()).messages.map((message) => message.Subject)).toEqual([
      'int test two',
      'int test one',
    ])
  })

  it('stops cleanly on SIGTERM (exit 0: the engine did not have to kill it)', async () => {
    await container.stop({ t: 10 })
    const state = (await container.inspect()).State
    expect(state.ExitCode).toBe(0)
  })
})
