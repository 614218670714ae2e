import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { CREDENTIALS, definitionWith, IMAGES } from '../../../../test/support/stack-fixtures'
import { exportStack } from './index'

interface SwarmService {
  image: string
  hostname?: string
  entrypoint?: string[]
  environment: Record<string, string>
  secrets?: Array<{ source: string; target: string; uid: string; mode: number }>
  ports?: Array<{ target: number; published?: number; mode: string }>
  deploy: { replicas: number; endpoint_mode: string }
  healthcheck?: { retries: number }
}

const images = new Map([...IMAGES].map(([k, v]) => [k as never, v]))

function swarm(queueType: 'classic' | 'quorum', ports: 'host' | 'ingress', includeSecrets = false) {
  const definition = definitionWith(
    (s) => {
      s.queueType = queueType
      s.emailerReplicas = 3
      s.smtp = { host: 'smtp.example.com', port: 587, user: 'me', tls: 'starttls' }
    },
    { ...CREDENTIALS, smtpPassword: 'relay-pass' },
  )
  const result = exportStack(definition, {
    target: 'swarm',
    images,
    stackDir: null,
    includeSecrets,
    swarmPorts: ports,
    queueType,
  })
  const file = result.files.find((f) => f.path === 'stack.yml')?.content ?? ''
  const script = result.files.find((f) => f.path === 'create-secrets.sh')
  const parsed = parse(file) as {
    services: Record<string, SwarmService>
    secrets: Record<string, { external: boolean }>
  }
  return { result, file, script, parsed }
}

describe('swarm export', () => {
  it('runs a three-node broker cluster for quorum queues, with the cookie as a secret', () => {
    const { parsed } = swarm('quorum', 'host')
    const brokers = Object.keys(parsed.services).filter((name) => name.startsWith('broker'))
    expect(brokers).toEqual(['broker-1', 'broker-2', 'broker-3'])
    const node = parsed.services['broker-2']
    expect(node?.hostname).toBe('broker-2')
    expect(node?.secrets?.map((s) => s.source)).toEqual([
      'maildock_broker_password',
      'maildock_erlang_cookie',
    ])
    expect(node?.entrypoint?.[2]).toContain('rabbit@broker-3')
    expect(parsed.services.emailer?.environment.AMQP_QUEUE_TYPE).toBe('quorum')
    expect(Object.keys(parsed.secrets)).toContain('maildock_erlang_cookie')
  })

  it('one broker for classic queues; host ports with DNS round robin, or the routing mesh', () => {
    const host = swarm('classic', 'host').parsed
    expect(Object.keys(host.services)).toContain('broker')
    expect(host.services.api?.deploy).toMatchObject({ endpoint_mode: 'dnsrr', replicas: 1 })
    expect(host.services.api?.ports).toEqual([
      { target: 3000, published: 5001, protocol: 'tcp', mode: 'host' },
    ])
    expect(host.services.emailer?.deploy.replicas).toBe(3)
    // Swarm kills a task whose check fails `retries` times: a slow node gets 10 tries.
    expect(host.services.emailer?.healthcheck?.retries).toBe(10)
    const ingress = swarm('classic', 'ingress').parsed
    expect(ingress.services.api?.deploy.endpoint_mode).toBe('vip')
    expect(ingress.services.api?.ports?.[0]?.mode).toBe('ingress')
  })

  it('keeps secrets out of the stack file: files named by *_FILE, created by the script', () => {
    const { file, script, parsed } = swarm('quorum', 'host')
    expect(file).not.toContain(CREDENTIALS.brokerPassword)
    expect(file).not.toContain('relay-pass')
    expect(parsed.services.emailer?.environment).toMatchObject({
      AMQP_URL_FILE: '/run/secrets/amqp_url',
      SMTP_PASSWORD_FILE: '/run/secrets/smtp_password',
    })
    expect(parsed.services.emailer?.environment.AMQP_URL).toBeUndefined()
    // The app images run as 1000:1000: a root-owned 0400 secret would be unreadable to them.
    expect(parsed.services.emailer?.secrets).toContainEqual(
      expect.objectContaining({ source: 'maildock_amqp_url', uid: '1000', mode: 0o400 }),
    )
    expect(parsed.services['broker-1']?.secrets?.[0]).toMatchObject({ uid: '0', mode: 0o400 })
    expect(script?.secret).toBe(true)
    expect(script?.content).not.toContain(CREDENTIALS.brokerPassword)
    expect(script?.content).toContain('docker secret create maildock_amqp_url')
    expect(script?.content).toContain('@broker-3:5672')
    const withSecrets = swarm('quorum', 'host', true).script?.content ?? ''
    expect(withSecrets).toContain(`MAILDOCK_BROKER_PASSWORD='${CREDENTIALS.brokerPassword}'`)
  })

  it('says how to run it', () => {
    expect(swarm('classic', 'host').result.howToRun.join('\n')).toMatch(
      /docker stack deploy -c stack.yml maildock/,
    )
  })
})
