// The Kubernetes export, checked offline: every object against the Kubernetes schemas
// (kubernetes-models), KEDA's CRD models, and the RabbitmqCluster CRD's schema; `kubectl kustomize`
// renders each variant where kubectl exists; and the objects' references agree with each other.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Ajv } from 'ajv'
import { parseAllDocuments } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import * as core from 'kubernetes-models/v1'
import * as apps from 'kubernetes-models/apps/v1'
import * as networking from 'kubernetes-models/networking.k8s.io/v1'
import * as keda from '@kubernetes-models/keda/keda.sh/v1alpha1'
import { QUEUES } from '../../../../shared/messages'
import { CREDENTIALS, definitionWith, IMAGES } from '../../../../test/support/stack-fixtures'
import { exportStack } from './index'
import { K8S_SECRETS } from './kubernetes-broker'
import { rabbitmqClusterSchema } from './rabbitmq-cluster.schema'

type K8sObject = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string> }
  spec?: Record<string, unknown>
  data?: Record<string, string>
}

const images = new Map([...IMAGES].map(([k, v]) => [k as never, v]))
const relay = definitionWith(
  (s) => {
    s.smtp = { host: 'smtp.example.com', port: 587, user: 'me', tls: 'starttls' }
    s.queueType = 'quorum'
  },
  { ...CREDENTIALS, smtpPassword: 'relay-pass' },
)
const exportOf = (definition = definitionWith((s) => (s.queueType = 'quorum'))) =>
  exportStack(definition, {
    target: 'kubernetes',
    images,
    stackDir: null,
    includeSecrets: false,
    swarmPorts: 'host',
    queueType: 'quorum',
  })

/** Every object of one kustomize variant: its resources, and their resources, recursively. */
function objectsOf(files: Map<string, string>, dir: string): K8sObject[] {
  const kustomization = parseAllDocuments(files.get(join(dir, 'kustomization.yaml')) ?? '')[0]
  const { resources } = kustomization?.toJS() as { resources: string[] }
  return resources.flatMap((resource) => {
    const path = join(dir, resource)
    const text = files.get(path)
    if (text === undefined) return objectsOf(files, path)
    return parseAllDocuments(text).map((doc) => doc.toJS() as K8sObject)
  })
}

const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  'v1/Namespace': core.Namespace,
  'v1/Service': core.Service,
  'v1/ConfigMap': core.ConfigMap,
  'v1/PersistentVolumeClaim': core.PersistentVolumeClaim,
  'apps/v1/Deployment': apps.Deployment,
  'apps/v1/StatefulSet': apps.StatefulSet,
  'networking.k8s.io/v1/NetworkPolicy': networking.NetworkPolicy,
  'keda.sh/v1alpha1/ScaledObject': keda.ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': keda.TriggerAuthentication,
}
const validateRabbitmqCluster = new Ajv({ allErrors: true, strict: false }).compile(
  rabbitmqClusterSchema,
)

function validate(object: K8sObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`
  if (key === 'rabbitmq.com/v1beta1/RabbitmqCluster') {
    return validateRabbitmqCluster(object)
      ? []
      : (validateRabbitmqCluster.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
  }
  const Model = MODELS[key]
  if (Model === undefined) return [`no schema for ${key}`]
  try {
    new Model(object as never).validate()
    return []
  } catch (error) {
    return [`${key} ${object.metadata.name}: ${String(error)}`]
  }
}

const VARIANTS = ['broker-operator', 'broker-statefulset', 'keda'] as const
const exported = exportOf()
const files = new Map(exported.files.map((file) => [file.path, file.content]))

describe('kubernetes export: schemas', () => {
  it('writes a kustomize folder with the three variants, a secrets script and how to run it', () => {
    expect([...files.keys()]).toEqual(
      expect.arrayContaining([
        'kustomization.yaml',
        'base/kustomization.yaml',
        'broker-operator/rabbitmq-cluster.yaml',
        'broker-statefulset/broker.yaml',
        'keda/scaled-object.yaml',
        'create-secrets.sh',
      ]),
    )
    expect(exported.files.find((f) => f.path === 'create-secrets.sh')?.secret).toBe(true)
    expect(exported.howToRun.join('\n')).toMatch(/kubectl apply -k \./)
  })

  it.each(VARIANTS)('validates every object of %s against its schema', (variant) => {
    const objects = objectsOf(files, variant)
    expect(objects.length).toBeGreaterThan(8)
    expect(objects.flatMap(validate)).toEqual([])
  })

  it('catches a wrong object (the checks can fail)', () => {
    const [deployment] = objectsOf(files, 'base').filter((o) => o.kind === 'Deployment')
    const broken = structuredClone(deployment) as K8sObject
    ;(broken.spec as { replicas: unknown }).replicas = 'three'
    expect(validate(broken)).not.toEqual([])
    const cluster = objectsOf(files, 'broker-operator').find((o) => o.kind === 'RabbitmqCluster')
    expect(validate({ ...cluster, spec: { replicas: 3, replica: 3 } } as K8sObject)).not.toEqual([])
  })

  it('keeps every secret value out of the manifests', () => {
    for (const file of exported.files.filter((f) => f.path.endsWith('.yaml'))) {
      expect(file.content).not.toContain(CREDENTIALS.brokerPassword)
    }
    const withRelay = exportOf(relay)
    expect(withRelay.files.map((f) => f.content).join('\n')).not.toContain('relay-pass')
    expect(withRelay.files.find((f) => f.path === 'create-secrets.sh')?.content).toContain(
      `create secret generic ${K8S_SECRETS.smtp}`,
    )
  })
})

let kubectlDir: string | undefined
afterAll(() => {
  if (kubectlDir !== undefined) rmSync(kubectlDir, { recursive: true, force: true })
})

const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe.runIf(hasKubectl)('kubernetes export: kubectl kustomize', () => {
  it.each(['.', ...VARIANTS])('renders %s', (variant) => {
    kubectlDir ??= mkdtempSync(join(tmpdir(), 'maildock-k8s-'))
    for (const file of exported.files) {
      mkdirSync(dirname(join(kubectlDir, file.path)), { recursive: true })
      writeFileSync(join(kubectlDir, file.path), file.content)
    }
    const rendered = execFileSync('kubectl', ['kustomize', join(kubectlDir, variant)], {
      encoding: 'utf8',
    })
    const objects = parseAllDocuments(rendered).map((doc) => doc.toJS() as K8sObject)
    const expected = objectsOf(files, variant === '.' ? 'broker-operator' : variant)
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      expected.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
    )
    expect(
      objects.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'maildock'),
    ).toBe(true)
  })
})

type PodTemplate = {
  metadata: { labels: Record<string, string> }
  spec: {
    containers: Array<{
      image: string
      ports?: Array<{ name: string; containerPort: number }>
      env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string } } }>
      readinessProbe?: { httpGet?: { port: string }; tcpSocket?: { port: string } }
    }>
    initContainers?: Array<{ image: string }>
    volumes?: Array<{
      persistentVolumeClaim?: { claimName: string }
      configMap?: { name: string }
      secret?: { secretName: string }
    }>
  }
}
const templateOf = (o: K8sObject) => (o.spec as { template: PodTemplate }).template
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value)

describe.each(VARIANTS)('kubernetes export: cross-references in %s', (variant) => {
  const objects = objectsOf(files, variant)
  const named = (kind: string) => objects.filter((o) => o.kind === kind)
  const workloads = [...named('Deployment'), ...named('StatefulSet')]
  const pods = workloads.map(templateOf)
  // The operator makes the broker's pods, Service and default-user Secret itself.
  const operatorBroker = named('RabbitmqCluster').length > 0
  const secretsScript = files.get('create-secrets.sh') ?? ''

  it('selectors match their template labels, and every Service selects pods with its ports', () => {
    for (const workload of workloads) {
      const selector = (workload.spec as { selector: { matchLabels: Record<string, string> } })
        .selector.matchLabels
      expect(matches(selector, templateOf(workload).metadata.labels), workload.metadata.name).toBe(
        true,
      )
    }
    for (const service of named('Service')) {
      const spec = service.spec as {
        selector: Record<string, string>
        ports: Array<{ targetPort: string }>
      }
      const selected = pods.filter((pod) => matches(spec.selector, pod.metadata.labels))
      expect(selected.length, `pods of Service ${service.metadata.name}`).toBeGreaterThan(0)
      const portNames = selected.flatMap((p) => p.spec.containers.flatMap((c) => c.ports ?? []))
      for (const port of spec.ports) {
        expect(portNames.map((p) => p.name)).toContain(port.targetPort)
      }
    }
  })

  it('probes name container ports, NetworkPolicies select existing pods', () => {
    for (const container of pods.flatMap((pod) => pod.spec.containers)) {
      const probe =
        container.readinessProbe?.httpGet?.port ?? container.readinessProbe?.tcpSocket?.port
      expect((container.ports ?? []).map((p) => p.name)).toContain(probe)
    }
    for (const policy of named('NetworkPolicy')) {
      const selector = (policy.spec as { podSelector: { matchLabels?: Record<string, string> } })
        .podSelector.matchLabels
      if (selector === undefined) continue
      const isBroker = selector['app.kubernetes.io/name'] === 'broker'
      expect(
        (isBroker && operatorBroker) || pods.some((p) => matches(selector, p.metadata.labels)),
        policy.metadata.name,
      ).toBe(true)
    }
  })

  it('every Secret, ConfigMap and volume claim named exists or is created', () => {
    const claims = new Set(named('PersistentVolumeClaim').map((o) => o.metadata.name))
    const configMaps = new Set(named('ConfigMap').map((o) => o.metadata.name))
    const secretNames = pods.flatMap((pod) => [
      ...pod.spec.containers.flatMap((c) =>
        (c.env ?? []).flatMap((e) => e.valueFrom?.secretKeyRef?.name ?? []),
      ),
      ...(pod.spec.volumes ?? []).flatMap((v) => v.secret?.secretName ?? []),
    ])
    expect(secretNames.length).toBeGreaterThan(0)
    for (const name of secretNames) {
      const byOperator = operatorBroker && name === K8S_SECRETS.brokerLogin
      expect(byOperator || secretsScript.includes(`create secret generic ${name} `), name).toBe(
        true,
      )
    }
    for (const volume of pods.flatMap((pod) => pod.spec.volumes ?? [])) {
      if (volume.persistentVolumeClaim)
        expect(claims).toContain(volume.persistentVolumeClaim.claimName)
      if (volume.configMap) expect(configMaps).toContain(volume.configMap.name)
    }
  })

  it('the services reach the broker by its Service name and use the images MailDock built', () => {
    const brokerNames = [...named('RabbitmqCluster'), ...named('Service')].map(
      (o) => o.metadata.name,
    )
    const urls = pods.flatMap((pod) =>
      pod.spec.containers.flatMap((c) => (c.env ?? []).filter((e) => e.name === 'AMQP_URL')),
    )
    expect(urls).toHaveLength(3)
    for (const url of urls) {
      const host = /@([^.:]+)\.maildock\.svc:5672$/.exec(url.value ?? '')?.[1]
      expect(brokerNames).toContain(host)
    }
    const built = ['api', 'emailer', 'logger'].map((service) => IMAGES.get(service)?.ref)
    const used = pods.flatMap((pod) => pod.spec.containers.map((c) => c.image))
    for (const ref of built) expect(used).toContain(ref)
    for (const image of used) expect([...IMAGES.values()].map((i) => i.ref)).toContain(image)
  })
})

it('keda: scales the emailer Deployment on its queue over http', () => {
  const objects = objectsOf(files, 'keda')
  const named = (kind: string) => objects.filter((o) => o.kind === kind)
  const scaled = named('ScaledObject')[0]?.spec as {
    scaleTargetRef: { name: string }
    triggers: Array<{ metadata: Record<string, string>; authenticationRef: { name: string } }>
  }
  expect(named('Deployment').map((d) => d.metadata.name)).toContain(scaled.scaleTargetRef.name)
  expect(scaled.triggers[0]?.metadata).toMatchObject({
    protocol: 'http',
    queueName: QUEUES.emailer,
  })
  expect(named('TriggerAuthentication').map((t) => t.metadata.name)).toContain(
    scaled.triggers[0]?.authenticationRef.name,
  )
})
