// JSON schema of the RabbitmqCluster fields the export writes, transcribed from the RabbitMQ
// Cluster Operator's CRD (rabbitmq.com_rabbitmqclusters.yaml, apiVersion rabbitmq.com/v1beta1).
// No maintained model package exists for this CRD; the API server prunes unknown fields and
// strict field validation rejects them, hence additionalProperties: false.

const intOrString = {
  anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9.]+[a-zA-Z]*$' }],
}
const quantities = { type: 'object', additionalProperties: intOrString }

export const rabbitmqClusterSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'rabbitmq.com/v1beta1' },
    kind: { const: 'RabbitmqCluster' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
        namespace: { type: 'string' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        replicas: { type: 'integer', minimum: 0 },
        image: { type: 'string' },
        imagePullSecrets: { type: 'array', items: { type: 'object' } },
        service: {
          type: 'object',
          properties: {
            type: { enum: ['ClusterIP', 'LoadBalancer', 'NodePort'] },
            annotations: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
        persistence: {
          type: 'object',
          additionalProperties: false,
          properties: { storageClassName: { type: 'string' }, storage: intOrString },
        },
        resources: {
          type: 'object',
          additionalProperties: false,
          properties: { limits: quantities, requests: quantities },
        },
        rabbitmq: {
          type: 'object',
          additionalProperties: false,
          properties: {
            additionalPlugins: {
              type: 'array',
              maxItems: 100,
              items: { type: 'string', pattern: '^\\w+$', minLength: 1, maxLength: 100 },
            },
            additionalConfig: { type: 'string', maxLength: 100_000 },
            advancedConfig: { type: 'string', maxLength: 100_000 },
            envConfig: { type: 'string', maxLength: 100_000 },
            erlangInetConfig: { type: 'string', maxLength: 2_000 },
          },
        },
        affinity: { type: 'object' },
        tolerations: { type: 'array', items: { type: 'object' } },
        tls: { type: 'object' },
        override: { type: 'object' },
        secretBackend: { type: 'object' },
        skipPostDeploySteps: { type: 'boolean' },
        terminationGracePeriodSeconds: { type: 'integer', minimum: 0 },
        delayStartSeconds: { type: 'integer', minimum: 0 },
        autoEnableAllFeatureFlags: { type: 'boolean' },
      },
    },
  },
} as const
