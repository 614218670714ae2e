import { brokerNodeHosts, brokerStartScript } from '../../../../shared/broker-cluster'
import type { ServiceSpec, StackDefinition } from '../definition'
import { toYaml, type YamlValue } from '../yaml'
import {
  brokerUser,
  escapeDollars,
  exportedEnv,
  healthcheck,
  imageOf,
  secretCommand,
  type ExportFile,
  type TargetOptions,
} from './common'

/**
 * host: ports published on the node that runs the task, services found by DNS round robin (works
 * on kernels without IPVS). ingress: swarm's routing mesh and virtual IPs (reach the API on any node).
 */
export type SwarmPortMode = 'host' | 'ingress'

export interface SwarmOptions extends TargetOptions {
  ports: SwarmPortMode
}

const SECRETS_DIR = '/run/secrets'

export const swarmSecretNames = (stack: string) => ({
  brokerPassword: `${stack}_broker_password`,
  amqpUrl: `${stack}_amqp_url`,
  erlangCookie: `${stack}_erlang_cookie`,
  smtpPassword: `${stack}_smtp_password`,
})

/** MailDock's api, emailer and logger images run as this user (USER in their Dockerfiles). */
const APP_USER = '1000'

/** Readable by its owner only: root (the broker's start script) or the app services' user. */
function secretRef(name: string, target: string, owner = '0'): YamlValue {
  return { source: name, target, uid: owner, gid: owner, mode: 0o400 }
}

/**
 * Swarm replaces a task once its check has failed `retries` times in a row (compose only marks
 * it): at least 10 tries, so a check slowed down by a busy node does not cost a working task (the
 * catcher's stored mail, an emailer's sends in flight).
 */
function swarmHealthcheck(spec: ServiceSpec): YamlValue {
  const check = healthcheck(spec)
  return { ...check, retries: Math.max(spec.health.retries, 10) }
}

function ports(spec: ServiceSpec, mode: SwarmPortMode): YamlValue {
  return spec.ports.map((port) => ({
    target: port.containerPort,
    ...(port.hostPort === 0 ? {} : { published: port.hostPort }),
    protocol: 'tcp',
    mode,
  }))
}

function deploy(replicas: number, mode: SwarmPortMode): { [key: string]: YamlValue } {
  return {
    replicas,
    endpoint_mode: mode === 'host' ? 'dnsrr' : 'vip',
    restart_policy: { condition: 'any', delay: '2s' },
    update_config: { order: 'stop-first', parallelism: 1 },
  }
}

function brokerServices(
  spec: ServiceSpec,
  definition: StackDefinition,
  options: SwarmOptions,
): Record<string, YamlValue> {
  const names = swarmSecretNames(definition.name)
  const hosts = options.brokerNodes > 1 ? brokerNodeHosts(options.brokerNodes) : ['broker']
  const script = brokerStartScript({
    hosts,
    cookieFileVariable: 'MAILDOCK_ERLANG_COOKIE_FILE',
    passwordFileVariable: 'MAILDOCK_BROKER_PASSWORD_FILE',
  })
  const services: Record<string, YamlValue> = {}
  hosts.forEach((host, index) => {
    const secrets = [secretRef(names.brokerPassword, 'broker_password')]
    if (hosts.length > 1) secrets.push(secretRef(names.erlangCookie, 'erlang_cookie'))
    services[host] = {
      image: imageOf(spec, options),
      hostname: host,
      entrypoint: ['bash', '-c', escapeDollars(script)],
      environment: {
        RABBITMQ_DEFAULT_USER: brokerUser(definition),
        MAILDOCK_BROKER_PASSWORD_FILE: `${SECRETS_DIR}/broker_password`,
        ...(hosts.length > 1
          ? { MAILDOCK_ERLANG_COOKIE_FILE: `${SECRETS_DIR}/erlang_cookie` }
          : {}),
      },
      secrets,
      // Only the first node publishes its ports: one management UI, one AMQP port per machine.
      ...(index === 0 ? { ports: ports(spec, options.ports) } : {}),
      volumes: [`${host}-data:/var/lib/rabbitmq`],
      healthcheck: swarmHealthcheck(spec),
      stop_grace_period: `${spec.stopTimeoutSeconds}s`,
      deploy: deploy(1, options.ports),
    }
  })
  return services
}

function appService(
  spec: ServiceSpec,
  definition: StackDefinition,
  options: SwarmOptions,
): YamlValue {
  const names = swarmSecretNames(definition.name)
  const environment: Record<string, string> = {}
  const secrets: YamlValue[] = []
  for (const [name, value] of Object.entries(exportedEnv(spec))) {
    if (name === 'AMQP_URL') {
      environment.AMQP_URL_FILE = `${SECRETS_DIR}/amqp_url`
      secrets.push(secretRef(names.amqpUrl, 'amqp_url', APP_USER))
    } else if (name === 'SMTP_PASSWORD') {
      environment.SMTP_PASSWORD_FILE = `${SECRETS_DIR}/smtp_password`
      secrets.push(secretRef(names.smtpPassword, 'smtp_password', APP_USER))
    } else environment[name] = escapeDollars(value)
  }
  return {
    image: imageOf(spec, options),
    environment,
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(spec.ports.length > 0 ? { ports: ports(spec, options.ports) } : {}),
    ...(spec.volumes.length > 0
      ? { volumes: spec.volumes.map((v) => `${v.key}:${v.target}`) }
      : {}),
    healthcheck: swarmHealthcheck(spec),
    stop_grace_period: `${spec.stopTimeoutSeconds}s`,
    ...(Object.keys(definition.labels).length > 0 ? { labels: { ...definition.labels } } : {}),
    deploy: deploy(spec.replicas, options.ports),
  }
}

/** The shell commands that create the swarm secrets the stack file reads. */
function secretsScript(definition: StackDefinition, options: SwarmOptions): string {
  const names = swarmSecretNames(definition.name)
  const user = brokerUser(definition)
  const hosts = options.brokerNodes > 1 ? brokerNodeHosts(options.brokerNodes) : ['broker']
  const urls = hosts.map((host) => `amqp://${user}:$MAILDOCK_BROKER_PASSWORD@${host}:5672`)
  const lines = [
    '#!/bin/sh',
    `# Creates the Docker secrets of the swarm stack "${definition.name}"; run it once on a manager.`,
    "# The broker password goes into an AMQP URL as is: MailDock's generated one is URL-safe.",
    'set -eu',
    ...definition.secrets.map((secret) => secretCommand(secret, options.includeSecrets)),
    `printf '%s' "$MAILDOCK_BROKER_PASSWORD" | docker secret create ${names.brokerPassword} -`,
    `printf '%s' "${urls.join(',')}" | docker secret create ${names.amqpUrl} -`,
  ]
  if (hosts.length > 1) {
    lines.push(
      `head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' | docker secret create ${names.erlangCookie} -`,
    )
  }
  if (definition.secrets.some((secret) => secret.variable === 'MAILDOCK_SMTP_PASS')) {
    lines.push(`printf '%s' "$MAILDOCK_SMTP_PASS" | docker secret create ${names.smtpPassword} -`)
  }
  return `${lines.join('\n')}\n`
}

/** The stack for `docker stack deploy`: secrets from swarm secrets, a broker cluster for quorum. */
export function exportSwarm(definition: StackDefinition, options: SwarmOptions): ExportFile[] {
  const services: Record<string, YamlValue> = {}
  const volumes: Record<string, YamlValue> = {}
  for (const spec of definition.services) {
    if (spec.service === 'broker') {
      const brokers = brokerServices(spec, definition, options)
      Object.assign(services, brokers)
      for (const host of Object.keys(brokers)) volumes[`${host}-data`] = {}
    } else {
      services[spec.service] = appService(spec, definition, options)
      for (const volume of spec.volumes) volumes[volume.key] = {}
    }
  }
  const used = Object.values(services).flatMap((service) =>
    typeof service === 'object' && service !== null && 'secrets' in service
      ? (service.secrets as Array<{ source: string }>).map((secret) => secret.source)
      : [],
  )
  const secrets = Object.fromEntries([...new Set(used)].map((name) => [name, { external: true }]))
  const header = [
    `MailDock stack "${definition.name}" for Docker Swarm (${options.ports} ports, ${options.brokerNodes} broker node(s)).`,
    `Run: sh create-secrets.sh && docker stack deploy -c stack.yml ${definition.name}`,
  ]
  return [
    {
      path: 'stack.yml',
      content: toYaml({ version: '3.8', services, volumes, secrets }, header),
    },
    { path: 'create-secrets.sh', content: secretsScript(definition, options), secret: true },
  ]
}
