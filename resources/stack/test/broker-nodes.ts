// The broker containers of a test stack: one node, or a RabbitMQ cluster of fixed host names
// (broker-1 .. broker-N) started the way the swarm export starts it, with a shared Erlang cookie
// read from a file (a secret in swarm) rather than from the environment.
import { randomBytes } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brokerNodeHosts, brokerStartScript } from '../../../shared/broker-cluster'

const COOKIE_IN_CONTAINER = '/run/secrets/erlang_cookie'

export interface BrokerNodeSpec {
  host: string
  aliases: string[]
  env: Record<string, string>
  entrypoint?: string[]
  binds?: string[]
  /** How the services reach this node on the stack's network. */
  url: string
}

const cookiePath = (runId: string): string => join(tmpdir(), `maildock-test-cookie-${runId}`)

/** The specs of `nodes` broker containers; writes the cookie file a cluster needs. */
export async function brokerNodeSpecs(
  nodes: number,
  credentials: { user: string; password: string },
  runId: string,
): Promise<BrokerNodeSpec[]> {
  const env = {
    RABBITMQ_DEFAULT_USER: credentials.user,
    RABBITMQ_DEFAULT_PASS: credentials.password,
  }
  const urlOf = (host: string) => `amqp://${credentials.user}:${credentials.password}@${host}:5672`
  if (nodes === 1) return [{ host: 'broker', aliases: ['broker'], env, url: urlOf('broker') }]

  const cookie = cookiePath(runId)
  await writeFile(cookie, randomBytes(24).toString('hex'), { mode: 0o600 })
  const hosts = brokerNodeHosts(nodes)
  const script = brokerStartScript({ hosts, cookieFileVariable: 'ERLANG_COOKIE_FILE' })
  return hosts.map((host) => ({
    host,
    aliases: [host],
    env: { ...env, ERLANG_COOKIE_FILE: COOKIE_IN_CONTAINER },
    entrypoint: ['bash', '-c', script],
    binds: [`${cookie}:${COOKIE_IN_CONTAINER}:ro`],
    url: urlOf(host),
  }))
}

export async function removeCookie(runId: string): Promise<void> {
  await rm(cookiePath(runId), { force: true })
}
