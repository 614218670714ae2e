import { QUEUES } from '../../../../shared/messages'
import { clusterConfigLines } from '../../../../shared/broker-cluster'
import type { StackDefinition } from '../definition'
import { toYaml } from '../yaml'
import {
  imageOf,
  kustomization,
  yamlDocs,
  type ExportFile,
  type Obj,
  type TargetOptions,
} from './common'

/** The broker's Service (the RabbitMQ operator names it after the RabbitmqCluster). */
export const K8S_BROKER_SERVICE = 'broker'
/** Headless Service of the StatefulSet variant: stable names broker-0.broker-nodes.<ns>.svc... */
const NODES_SERVICE = 'broker-nodes'
const BROKER_REPLICAS = 3

/** Secret names only; the values come from create-secrets.sh (or the operator). */
export const K8S_SECRETS = {
  /** The operator creates `<cluster>-default-user` with these keys; the StatefulSet reads the same. */
  brokerLogin: `${K8S_BROKER_SERVICE}-default-user`,
  erlangCookie: 'broker-erlang-cookie',
  smtp: 'smtp',
  keda: 'keda-rabbitmq',
} as const

export const selectorFor = (name: string) => ({
  'app.kubernetes.io/name': name,
})

export const labelsFor = (name: string) => ({
  ...selectorFor(name),
  'app.kubernetes.io/part-of': 'maildock',
})

const BROKER_RESOURCES = {
  requests: { cpu: '250m', memory: '512Mi' },
  limits: { memory: '1Gi' },
}

function rabbitmqCluster(definition: StackDefinition, options: TargetOptions): Obj {
  const broker = definition.services.find((spec) => spec.service === 'broker')
  return {
    apiVersion: 'rabbitmq.com/v1beta1',
    kind: 'RabbitmqCluster',
    metadata: { name: K8S_BROKER_SERVICE, namespace: definition.name, labels: labelsFor('broker') },
    spec: {
      replicas: BROKER_REPLICAS,
      ...(broker === undefined ? {} : { image: imageOf(broker, options) }),
      resources: BROKER_RESOURCES,
      persistence: { storage: '5Gi' },
    },
  }
}

function brokerConfig(namespace: string): Obj {
  const hosts = Array.from(
    { length: BROKER_REPLICAS },
    (_, index) => `broker-${index}.${NODES_SERVICE}.${namespace}.svc.cluster.local`,
  )
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'broker-config', namespace, labels: labelsFor('broker') },
    data: {
      'rabbitmq.conf': [
        'loopback_users.guest = false',
        'listeners.tcp.default = 5672',
        'management.tcp.port = 15672',
        ...clusterConfigLines(hosts),
        '',
      ].join('\n'),
      enabled_plugins: '[rabbitmq_management].\n',
    },
  }
}

function brokerServices(namespace: string): Obj[] {
  const ports = (list: Array<[string, number]>) =>
    list.map(([name, port]) => ({ name, port, targetPort: name, protocol: 'TCP' }))
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: K8S_BROKER_SERVICE, namespace, labels: labelsFor('broker') },
      spec: {
        selector: selectorFor('broker'),
        ports: ports([
          ['amqp', 5672],
          ['management', 15672],
        ]),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: NODES_SERVICE, namespace, labels: labelsFor('broker') },
      spec: {
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector: selectorFor('broker'),
        ports: ports([
          ['epmd', 4369],
          ['cluster-rpc', 25672],
        ]),
      },
    },
  ]
}

const BROKER_DATA_MOUNT = { name: 'data', mountPath: '/var/lib/rabbitmq' }

/** One RabbitMQ node of the StatefulSet: named after its pod on the headless Service. */
function brokerContainer(namespace: string, image: string): Obj {
  const secretEnv = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: K8S_SECRETS.brokerLogin, key } },
  })
  return {
    name: 'rabbitmq',
    image,
    ports: [
      { name: 'amqp', containerPort: 5672 },
      { name: 'management', containerPort: 15672 },
      { name: 'epmd', containerPort: 4369 },
      { name: 'cluster-rpc', containerPort: 25672 },
    ],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'RABBITMQ_USE_LONGNAME', value: 'true' },
      {
        name: 'RABBITMQ_NODENAME',
        value: `rabbit@$(POD_NAME).${NODES_SERVICE}.${namespace}.svc.cluster.local`,
      },
      secretEnv('RABBITMQ_DEFAULT_USER', 'username'),
      secretEnv('RABBITMQ_DEFAULT_PASS', 'password'),
    ],
    readinessProbe: {
      tcpSocket: { port: 'amqp' },
      periodSeconds: 10,
      failureThreshold: 3,
    },
    livenessProbe: {
      tcpSocket: { port: 'amqp' },
      initialDelaySeconds: 60,
      periodSeconds: 20,
      failureThreshold: 6,
    },
    resources: BROKER_RESOURCES,
    volumeMounts: [
      BROKER_DATA_MOUNT,
      {
        name: 'config',
        mountPath: '/etc/rabbitmq/conf.d/30-maildock.conf',
        subPath: 'rabbitmq.conf',
      },
      {
        name: 'config',
        mountPath: '/etc/rabbitmq/enabled_plugins',
        subPath: 'enabled_plugins',
      },
    ],
  }
}

function brokerStatefulSet(definition: StackDefinition, options: TargetOptions): Obj {
  const namespace = definition.name
  const broker = definition.services.find((spec) => spec.service === 'broker')
  const image = broker === undefined ? 'rabbitmq:3-management' : imageOf(broker, options)
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'broker', namespace, labels: labelsFor('broker') },
    spec: {
      serviceName: NODES_SERVICE,
      replicas: BROKER_REPLICAS,
      // broker-0 is up before broker-1 starts: the nodes join one cluster, not three.
      podManagementPolicy: 'OrderedReady',
      selector: { matchLabels: selectorFor('broker') },
      template: {
        metadata: { labels: labelsFor('broker') },
        spec: {
          securityContext: { fsGroup: 999 },
          initContainers: [
            {
              name: 'erlang-cookie',
              image,
              command: [
                'sh',
                '-c',
                'cp /cookie/cookie /var/lib/rabbitmq/.erlang.cookie && chmod 400 /var/lib/rabbitmq/.erlang.cookie',
              ],
              volumeMounts: [
                BROKER_DATA_MOUNT,
                { name: 'cookie', mountPath: '/cookie', readOnly: true },
              ],
            },
          ],
          containers: [brokerContainer(namespace, image)],
          volumes: [
            { name: 'config', configMap: { name: 'broker-config' } },
            { name: 'cookie', secret: { secretName: K8S_SECRETS.erlangCookie } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
        },
      ],
    },
  }
}

export function brokerFiles(definition: StackDefinition, options: TargetOptions): ExportFile[] {
  const namespace = definition.name
  return [
    {
      path: 'broker-operator/rabbitmq-cluster.yaml',
      content: toYaml(rabbitmqCluster(definition, options), [
        'Needs the RabbitMQ Cluster Operator: kubectl apply -f https://github.com/rabbitmq/cluster-operator/releases/latest/download/cluster-operator.yml',
      ]),
    },
    {
      path: 'broker-operator/kustomization.yaml',
      content: kustomization(['../base', 'rabbitmq-cluster.yaml']),
    },
    {
      path: 'broker-statefulset/broker.yaml',
      content: yamlDocs([
        brokerConfig(namespace),
        ...brokerServices(namespace),
        brokerStatefulSet(definition, options),
      ]),
    },
    {
      path: 'broker-statefulset/kustomization.yaml',
      content: kustomization(['../base', 'broker.yaml']),
    },
  ]
}

/** Scales the emailer on the length of its queue; http protocol, so unacked messages count too. */
export function kedaFiles(definition: StackDefinition): ExportFile[] {
  const namespace = definition.name
  const emailer = definition.services.find((spec) => spec.service === 'emailer')
  const objects: Obj[] = [
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: { name: K8S_SECRETS.keda, namespace },
      spec: { secretTargetRef: [{ parameter: 'host', name: K8S_SECRETS.keda, key: 'host' }] },
    },
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'emailer', namespace, labels: labelsFor('emailer') },
      spec: {
        scaleTargetRef: { name: 'emailer' },
        minReplicaCount: Math.max(1, emailer?.replicas ?? 1),
        maxReplicaCount: 20,
        triggers: [
          {
            type: 'rabbitmq',
            metadata: {
              protocol: 'http',
              queueName: QUEUES.emailer,
              mode: 'QueueLength',
              value: '20',
              vhostName: '/',
            },
            authenticationRef: { name: K8S_SECRETS.keda },
          },
        ],
      },
    },
  ]
  return [
    {
      path: 'keda/scaled-object.yaml',
      content: yamlDocs(objects, ['Needs KEDA (keda.sh) in the namespace keda.']),
    },
    {
      path: 'keda/kustomization.yaml',
      content: kustomization(['../broker-operator', 'scaled-object.yaml']),
    },
  ]
}
