// A RabbitMQ cluster of fixed host names (broker-1, broker-2, ...): the start script the swarm
// export and the tests run in each broker container. Works with the official rabbitmq image and
// the local stand-in (both have `docker-entrypoint.sh` and read /etc/rabbitmq/conf.d).

export const brokerNodeHost = (index: number): string => `broker-${index}`

export function brokerNodeHosts(nodes: number): string[] {
  return Array.from({ length: nodes }, (_, index) => brokerNodeHost(index + 1))
}

/** rabbitmq.conf lines: peer discovery by the fixed list of node names. */
export function clusterConfigLines(hosts: readonly string[]): string[] {
  return [
    'cluster_formation.peer_discovery_backend = classic_config',
    ...hosts.map(
      (host, index) => `cluster_formation.classic_config.nodes.${index + 1} = rabbit@${host}`,
    ),
  ]
}

export interface BrokerStartOptions {
  hosts: readonly string[]
  /** Environment variables naming files (swarm secrets) with the cookie and the password. */
  cookieFileVariable: string
  passwordFileVariable?: string | undefined
}

/**
 * A `sh -c` script: writes the cluster configuration and the Erlang cookie (from a secret file),
 * and on a first boot makes every node but the first wait for the first one, so the nodes join
 * one cluster instead of each forming its own. Then it runs the image's own entrypoint.
 */
export function brokerStartScript(options: BrokerStartOptions): string {
  const [seed = 'broker-1'] = options.hosts
  const clustered = options.hosts.length > 1
  const config = clusterConfigLines(options.hosts)
    .map((line) => `'${line}'`)
    .join(' ')
  const cookie = `"$${options.cookieFileVariable}"`
  const password =
    options.passwordFileVariable === undefined
      ? []
      : [
          `RABBITMQ_DEFAULT_PASS="$(cat "$${options.passwordFileVariable}")"`,
          'export RABBITMQ_DEFAULT_PASS',
        ]
  const cluster = clustered
    ? [
        `printf '%s\\n' ${config} > /etc/rabbitmq/conf.d/30-maildock-cluster.conf`,
        'mkdir -p /var/lib/rabbitmq',
        `cp ${cookie} /var/lib/rabbitmq/.erlang.cookie`,
        'chmod 400 /var/lib/rabbitmq/.erlang.cookie',
        `if [ "$(hostname)" != ${seed} ] && [ ! -d /var/lib/rabbitmq/mnesia ]; then`,
        `  until (exec 3<>/dev/tcp/${seed}/5672) 2>/dev/null; do sleep 2; done`,
        'fi',
      ]
    : []
  return ['set -e', ...cluster, ...password, 'exec docker-entrypoint.sh rabbitmq-server'].join('\n')
}
