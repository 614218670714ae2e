import { join } from 'node:path'
import type { StackExport, StackServiceName } from '../../../shared/contract'
import type { ImageRef } from './container-spec'
import type { ServiceSpec, StackDefinition } from './definition'
import { toYaml, type YamlValue } from './yaml'
import { escapeDollars, healthcheck } from './export/common'

export interface ExportOptions {
  /** Each service's image on this engine (built services without one get a placeholder tag). */
  images: ReadonlyMap<StackServiceName, ImageRef>
  /** Where the services' build contexts are, so `docker compose` can build missing images. */
  stackDir: string | null
  includeSecrets: boolean
}

export { escapeDollars }

const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ')

/**
 * A .env value that cannot add a line: single-quoted (literal in compose v1 and v2), or
 * double-quoted with escapes when it holds a single quote; a line break is written as \n.
 */
export function envValue(value: string): string {
  if (!/['\r\n]/.test(value)) return `'${value}'`
  const escaped = value
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('\r', '\\r')
    .replaceAll('\n', '\\n')
  return `"${escaped}"`
}

const seconds = (value: number): string => `${value}s`

function environment(spec: ServiceSpec, definition: StackDefinition): Record<string, string> {
  const env: Record<string, string> = {}
  // No secret files here: the compose form reads secrets from variables (the .env file).
  for (const [name, raw] of Object.entries({ ...spec.env, ...spec.composeEnv })) {
    let value = escapeDollars(raw)
    for (const secret of definition.secrets.filter((s) => s.value !== '')) {
      value = value.replaceAll(
        escapeDollars(secret.value),
        `\${${secret.variable}:?set ${secret.variable} (see the .env file MailDock exported)}`,
      )
      value = value.replaceAll(encodeURIComponent(secret.value), `\${${secret.variable}}`)
    }
    env[name] = value
  }
  return env
}

function service(
  spec: ServiceSpec,
  definition: StackDefinition,
  options: ExportOptions,
): { [key: string]: YamlValue } {
  const image = options.images.get(spec.service)?.ref ?? `maildock/${spec.service}:export`
  const out: { [key: string]: YamlValue } = { image }
  if (spec.image.kind === 'build' && options.stackDir !== null) {
    out.build = {
      context: join(options.stackDir, spec.image.service),
      args: { BASE_IMAGE: spec.image.baseImage },
    }
  }
  if (spec.hostname !== null) out.hostname = spec.hostname
  out.environment = environment(spec, definition)
  if (spec.ports.length > 0) {
    out.ports = spec.ports.map(
      (p) => `127.0.0.1:${p.hostPort === 0 ? '' : p.hostPort}:${p.containerPort}`,
    )
  }
  if (spec.volumes.length > 0) out.volumes = spec.volumes.map((v) => `${v.key}:${v.target}`)
  out.healthcheck = healthcheck(spec)
  // The list form: `docker stack deploy` rejects conditions; the services reconnect by themselves.
  if (spec.dependsOn.length > 0) out.depends_on = spec.dependsOn.map((dep) => dep.service)
  out.restart = 'unless-stopped'
  out.stop_grace_period = seconds(spec.stopTimeoutSeconds)
  if (Object.keys(definition.labels).length > 0) out.labels = { ...definition.labels }
  out.deploy = { replicas: spec.replicas }
  return out
}

/**
 * The stack as a compose file that runs without MailDock: `docker compose up -d` (compose v1 and
 * v2) or `docker stack deploy` (deploy.replicas). Secrets stay out of it: it reads them from
 * variables, written to the .env text only when asked.
 */
export type ComposeExport = Omit<StackExport, 'target' | 'files' | 'howToRun'>

export function exportCompose(definition: StackDefinition, options: ExportOptions): ComposeExport {
  const services: { [key: string]: YamlValue } = {}
  for (const spec of definition.services)
    services[spec.service] = service(spec, definition, options)
  const volumes: { [key: string]: YamlValue } = {}
  for (const volume of definition.volumes) volumes[volume.key] = {}

  const warnings = [
    'docker stack deploy ignores `build` and publishes ports on every interface through the routing mesh (the 127.0.0.1 binding holds for docker compose only).',
  ]
  const unbuilt = definition.services.filter(
    (spec) => spec.image.kind === 'build' && !options.images.has(spec.service),
  )
  if (unbuilt.length > 0) {
    warnings.push(
      `The ${unbuilt.map((s) => s.service).join(', ')} image(s) are not built on this engine yet: run \`maildock up\` once, or \`docker compose build\`.`,
    )
  }
  const header = [
    `MailDock stack "${definition.name}", exported ${new Date().toISOString()}.`,
    `Run: docker compose -p ${definition.name} --env-file .env up -d   (v1: docker-compose ... up -d)`,
    'Swarm or Kubernetes: maildock export --target swarm|kubernetes (secrets, broker cluster)',
  ]
  const compose = toYaml({ version: '3.8', services, volumes }, header)
  const env = definition.secrets
    .map(
      (s) =>
        `# ${oneLine(s.description)}\n${s.variable}=${options.includeSecrets ? envValue(s.value) : ''}`,
    )
    .join('\n')
  return {
    compose,
    env: `${env}\n`,
    variables: definition.secrets.map((s) => ({
      name: s.variable,
      secret: true,
      description: s.description,
    })),
    project: definition.name,
    warnings,
  }
}
