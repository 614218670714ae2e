import type { ExportTarget, StackExport, StackServiceName } from '../../../../shared/contract'
import { exportCompose } from '../compose'
import type { ImageRef } from '../container-spec'
import type { StackDefinition } from '../definition'
import { brokerNodesFor, type ExportFile } from './common'
import { exportKubernetes } from './kubernetes'
import { exportSwarm, type SwarmPortMode } from './swarm'

export interface StackExportOptions {
  target: ExportTarget
  images: ReadonlyMap<StackServiceName, ImageRef>
  stackDir: string | null
  includeSecrets: boolean
  swarmPorts: SwarmPortMode
  queueType: 'classic' | 'quorum'
}

const withSecretFlag = (files: ExportFile[]) =>
  files.map((file) => ({ ...file, secret: file.secret === true }))

function howToRun(target: ExportTarget, name: string, includeSecrets: boolean): string[] {
  const setPassword = includeSecrets
    ? []
    : [
        'export MAILDOCK_BROKER_PASSWORD=...   (the export leaves secrets out; --with-secrets writes them)',
      ]
  if (target === 'swarm') {
    return [
      'docker swarm init   (once, if this engine is not in a swarm yet)',
      ...setPassword,
      'sh create-secrets.sh',
      `docker stack deploy -c stack.yml ${name}`,
      `docker service scale ${name}_emailer=5`,
      `docker stack rm ${name}   (then: docker secret rm $(docker secret ls -q --filter name=${name}_))`,
    ]
  }
  if (target === 'kubernetes') {
    return [
      'Push the MailDock images to a registry the cluster pulls from; set newName in kustomization.yaml.',
      'kubectl apply -f https://github.com/rabbitmq/cluster-operator/releases/latest/download/cluster-operator.yml',
      ...setPassword,
      'sh create-secrets.sh',
      'kubectl apply -k .   (without the operator: kubectl apply -k broker-statefulset; with KEDA: kubectl apply -k keda)',
    ]
  }
  return [
    `docker compose -p ${name} --env-file .env up -d   (v1: docker-compose -p ${name} --env-file .env up -d)`,
  ]
}

/** The stack as files for another engine: compose, a swarm stack or a kustomize folder. */
export function exportStack(definition: StackDefinition, options: StackExportOptions): StackExport {
  const brokerNodes = brokerNodesFor(options.queueType)
  const compose = exportCompose(definition, options)
  if (options.target === 'compose') {
    return {
      ...compose,
      target: 'compose',
      files: [
        { path: 'compose.yaml', content: compose.compose, secret: false },
        { path: '.env', content: compose.env, secret: true },
      ],
      howToRun: howToRun('compose', definition.name, options.includeSecrets),
    }
  }
  const shared = { images: options.images, includeSecrets: options.includeSecrets, brokerNodes }
  const files =
    options.target === 'swarm'
      ? exportSwarm(definition, { ...shared, ports: options.swarmPorts })
      : exportKubernetes(definition, shared)
  const warnings =
    options.target === 'swarm'
      ? [
          options.swarmPorts === 'host'
            ? 'Ports are published with mode: host on the node running the task (one api task per node); services are found by DNS round robin.'
            : 'Ingress ports and virtual IPs need IPVS in the kernel of every node.',
        ]
      : ['A Kubernetes cluster cannot be started here: these manifests are validated offline only.']
  return {
    target: options.target,
    files: withSecretFlag(files),
    howToRun: howToRun(options.target, definition.name, options.includeSecrets),
    compose: files.find((file) => file.path === 'stack.yml')?.content ?? '',
    env: '',
    variables: compose.variables,
    project: definition.name,
    warnings: [
      ...warnings,
      ...compose.warnings.filter((w) => !w.startsWith('docker stack deploy')),
    ],
  }
}
