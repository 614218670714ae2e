import { HEALTH_HOLD_SECONDS, type ServiceSpec, type StackDefinition } from '../definition'
import { toYaml, type YamlValue } from '../yaml'
import {
  brokerUser,
  exportedEnv,
  imageOf,
  kustomization,
  secretCommand,
  yamlDocs,
  type ExportFile,
  type Obj,
  type TargetOptions,
} from './common'
import {
  brokerFiles,
  K8S_BROKER_SERVICE,
  K8S_SECRETS,
  kedaFiles,
  labelsFor,
  selectorFor,
} from './kubernetes-broker'

/** Pods that may talk to the broker carry this label (the broker's NetworkPolicy admits them). */
const BROKER_CLIENT_LABEL = 'maildock.io/broker-client'

const HEALTH_PATH = '/health'

/** The app services' requests: what they use at rest on a busy machine, with room to grow. */
const APP_RESOURCES = {
  requests: { cpu: '50m', memory: '96Mi' },
  limits: { memory: '384Mi' },
}

/**
 * The kubelet's HTTP probes do not hold as the stack's checks do (definition.ts): a startup probe
 * each second (Kubernetes' shortest period), then one every HEALTH_HOLD_SECONDS + 1 s, as at rest.
 */
function probes(spec: ServiceSpec, port: string): Obj {
  const { health } = spec
  const probe = (periodSeconds: number, failureThreshold: number): Obj => ({
    httpGet: { path: HEALTH_PATH, port },
    periodSeconds,
    timeoutSeconds: health.timeoutSeconds,
    failureThreshold,
  })
  const startPeriod = Math.max(1, Math.ceil(health.intervalSeconds))
  const atRest = HEALTH_HOLD_SECONDS + 1
  return {
    startupProbe: probe(
      startPeriod,
      Math.ceil(health.startPeriodSeconds / startPeriod) + health.retries,
    ),
    readinessProbe: probe(atRest, health.retries),
    livenessProbe: probe(atRest, health.retries),
  }
}

/** The service's environment: plain values, the broker login and SMTP password from Secrets. */
function environment(spec: ServiceSpec, namespace: string): YamlValue[] {
  const env: YamlValue[] = []
  const fromSecret = (name: string, secret: string, key: string) =>
    env.push({ name, valueFrom: { secretKeyRef: { name: secret, key } } })
  for (const [name, value] of Object.entries(exportedEnv(spec))) {
    if (name === 'AMQP_URL') {
      fromSecret('AMQP_USER', K8S_SECRETS.brokerLogin, 'username')
      fromSecret('AMQP_PASSWORD', K8S_SECRETS.brokerLogin, 'password')
      env.push({
        name: 'AMQP_URL',
        value: `amqp://$(AMQP_USER):$(AMQP_PASSWORD)@${K8S_BROKER_SERVICE}.${namespace}.svc:5672`,
      })
    } else if (name === 'SMTP_PASSWORD') fromSecret(name, K8S_SECRETS.smtp, 'password')
    else env.push({ name, value })
  }
  return env
}

function appDeployment(spec: ServiceSpec, namespace: string, options: TargetOptions): Obj {
  const port =
    spec.service === 'api'
      ? { name: 'http', containerPort: Number(spec.env.API_PORT ?? 3000) }
      : { name: 'health', containerPort: Number(spec.env.HEALTH_PORT ?? 8080) }
  const volume = spec.volumes[0]
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.service, namespace, labels: labelsFor(spec.service) },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: selectorFor(spec.service) },
      // One writer on the logger's ReadWriteOnce volume at a time.
      strategy: { type: spec.service === 'logger' ? 'Recreate' : 'RollingUpdate' },
      template: {
        metadata: { labels: { ...labelsFor(spec.service), [BROKER_CLIENT_LABEL]: 'true' } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
          terminationGracePeriodSeconds: spec.stopTimeoutSeconds,
          containers: [
            {
              name: spec.service,
              image: imageOf(spec, options),
              ports: [port],
              env: environment(spec, namespace),
              ...probes(spec, port.name),
              resources: APP_RESOURCES,
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: false },
              ...(volume === undefined
                ? {}
                : { volumeMounts: [{ name: 'data', mountPath: volume.target }] }),
            },
          ],
          ...(volume === undefined
            ? {}
            : { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: volume.key } }] }),
        },
      },
    },
  }
}

function claim(name: string, namespace: string, accessMode: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace, labels: labelsFor(name) },
    spec: { accessModes: [accessMode], resources: { requests: { storage: '1Gi' } } },
  }
}

function service(name: string, namespace: string, ports: Array<[string, number]>): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: labelsFor(name) },
    spec: {
      selector: selectorFor(name),
      ports: ports.map(([portName, port]) => ({
        name: portName,
        port,
        targetPort: portName,
        protocol: 'TCP',
      })),
    },
  }
}

function catcherDeployment(spec: ServiceSpec, namespace: string, options: TargetOptions): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'catcher', namespace, labels: labelsFor('catcher') },
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorFor('catcher') },
      template: {
        metadata: { labels: labelsFor('catcher') },
        spec: {
          containers: [
            {
              name: 'catcher',
              image: imageOf(spec, options),
              ports: [
                { name: 'smtp', containerPort: 1025 },
                { name: 'http', containerPort: 8025 },
              ],
              readinessProbe: { tcpSocket: { port: 'smtp' }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 10 },
              resources: APP_RESOURCES,
            },
          ],
        },
      },
    },
  }
}

/** Nothing reaches a pod unless a policy below admits it. */
function networkPolicies(namespace: string, hasCatcher: boolean): Obj[] {
  const policy = (name: string, podName: string | null, ingress: YamlValue[]): Obj => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: {
      podSelector: podName === null ? {} : { matchLabels: selectorFor(podName) },
      policyTypes: ['Ingress'],
      ...(ingress.length > 0 ? { ingress } : {}),
    },
  })
  const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }))
  const policies = [
    policy('default-deny-ingress', null, []),
    policy('broker', 'broker', [
      {
        from: [{ podSelector: { matchLabels: { [BROKER_CLIENT_LABEL]: 'true' } } }],
        ports: tcp(5672),
      },
      { from: [{ podSelector: { matchLabels: selectorFor('broker') } }], ports: tcp(4369, 25672) },
      // KEDA reads the queue length over the management API (http protocol).
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } } }],
        ports: tcp(15672),
      },
    ]),
    policy('api', 'api', [{ ports: tcp(3000) }]),
  ]
  if (hasCatcher) {
    policies.push(
      policy('catcher', 'catcher', [
        { from: [{ podSelector: { matchLabels: selectorFor('emailer') } }], ports: tcp(1025) },
        { ports: tcp(8025) },
      ]),
    )
  }
  return policies
}

function baseFiles(definition: StackDefinition, options: TargetOptions): ExportFile[] {
  const namespace = definition.name
  const files: ExportFile[] = [
    {
      path: 'base/namespace.yaml',
      content: toYaml({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'maildock' } },
      }),
    },
  ]
  const resources = ['namespace.yaml']
  for (const spec of definition.services) {
    if (spec.service === 'broker') continue
    const objects =
      spec.service === 'catcher'
        ? [
            catcherDeployment(spec, namespace, options),
            service('catcher', namespace, [
              ['smtp', 1025],
              ['http', 8025],
            ]),
          ]
        : [
            ...spec.volumes.map((v) =>
              claim(
                v.key,
                namespace,
                spec.service === 'emailer' ? 'ReadWriteMany' : 'ReadWriteOnce',
              ),
            ),
            appDeployment(spec, namespace, options),
            ...(spec.service === 'api' ? [service('api', namespace, [['http', 3000]])] : []),
          ]
    files.push({ path: `base/${spec.service}.yaml`, content: yamlDocs(objects) })
    resources.push(`${spec.service}.yaml`)
  }
  const hasCatcher = definition.services.some((spec) => spec.service === 'catcher')
  files.push({
    path: 'base/network-policies.yaml',
    content: yamlDocs(networkPolicies(namespace, hasCatcher)),
  })
  resources.push('network-policies.yaml')
  files.push({ path: 'base/kustomization.yaml', content: kustomization(resources) })
  return files
}

function secretsScript(definition: StackDefinition, options: TargetOptions): string {
  const ns = definition.name
  const hasSmtp = definition.secrets.some((secret) => secret.variable === 'MAILDOCK_SMTP_PASS')
  const lines = [
    '#!/bin/sh',
    `# Creates the Secrets the manifests name (namespace ${ns}); values never sit in the manifests.`,
    'set -eu',
    ...definition.secrets.map((secret) => secretCommand(secret, options.includeSecrets)),
    `kubectl apply -f base/namespace.yaml`,
    '# broker-statefulset only (the RabbitMQ operator creates broker-default-user itself):',
    `kubectl -n ${ns} create secret generic ${K8S_SECRETS.brokerLogin} --from-literal=username=${brokerUser(definition)} --from-literal=password="$MAILDOCK_BROKER_PASSWORD"`,
    `kubectl -n ${ns} create secret generic ${K8S_SECRETS.erlangCookie} --from-literal=cookie="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n')"`,
  ]
  if (hasSmtp) {
    lines.push(
      `kubectl -n ${ns} create secret generic ${K8S_SECRETS.smtp} --from-literal=password="$MAILDOCK_SMTP_PASS"`,
    )
  }
  lines.push(
    '# keda only: the management API URL KEDA reads the queue length from.',
    `PASS=$(kubectl -n ${ns} get secret ${K8S_SECRETS.brokerLogin} -o jsonpath='{.data.password}' | base64 -d)`,
    `USER=$(kubectl -n ${ns} get secret ${K8S_SECRETS.brokerLogin} -o jsonpath='{.data.username}' | base64 -d)`,
    `kubectl -n ${ns} create secret generic ${K8S_SECRETS.keda} --from-literal=host="http://$USER:$PASS@${K8S_BROKER_SERVICE}.${ns}.svc:15672/"`,
  )
  return `${lines.join('\n')}\n`
}

/**
 * A kustomize folder: `base/` (namespace, app Deployments, Services, PVCs, NetworkPolicies), the
 * broker as a RabbitmqCluster (`broker-operator/`, the default) or a plain StatefulSet
 * (`broker-statefulset/`), and `keda/` (the operator variant plus a ScaledObject for the emailer).
 */
export function exportKubernetes(
  definition: StackDefinition,
  options: TargetOptions,
): ExportFile[] {
  const images = definition.services
    .filter((spec) => spec.image.kind === 'build')
    .map((spec) => ({
      name: imageOf(spec, options).replace(/:[^:/]+$/, ''),
      newTag: imageOf(spec, options).replace(/^.*:/, ''),
    }))
  return [
    ...baseFiles(definition, options),
    ...brokerFiles(definition, options),
    ...kedaFiles(definition),
    {
      path: 'kustomization.yaml',
      content: kustomization(['broker-operator'], {
        // Push MailDock's images to your registry and set newName here.
        images,
      }),
    },
    { path: 'create-secrets.sh', content: secretsScript(definition, options), secret: true },
  ]
}
