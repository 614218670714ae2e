// The broker's boot alone: from `docker start` of a fresh broker container to its "started TCP
// listener" line, with the image's boot module (maildock/rabbitmq:local loads RabbitMQ's modules
// in one batch: scripts/images/rabbitmq/maildock_boot.erl) beside the same image booted by
// RabbitMQ's own (RABBITMQ_BOOT_MODULE=rabbit), alternating, same run. A context figure of goal 8.
import type Docker from 'dockerode'
import { readyLineSeen } from '../electron/main/stack/ready-line'
import { definitionWith } from '../test/support/stack-fixtures'
import { median, type Figure } from './figures'

const LIMIT_MS = 120_000

/** The broker's ready line as `maildock up` waits for it (definition.ts). */
function brokerReadyLine(): RegExp {
  const line = definitionWith().services.find((s) => s.service === 'broker')?.readyLine
  if (line === undefined) throw new Error('the broker has no ready line')
  return line
}

interface Boot {
  ms: number
  cpuMs: number
}

/** Boots one throw-away broker container and times it to its ready line; removes it after. */
async function bootOnce(docker: Docker, image: string, env: string[]): Promise<Boot> {
  const container = await docker.createContainer({
    Image: image,
    Hostname: 'broker',
    Env: env,
    Labels: { 'maildock.test': '1' },
  })
  const stop = new AbortController()
  try {
    const start = performance.now()
    await container.start()
    // Read as `maildock up` reads it (the log followed in ~50 ms batches), for both boot modules.
    const ready = readyLineSeen(docker, [container.id], brokerReadyLine(), 0, stop.signal)
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${image} not ready in 120 s`)), LIMIT_MS).unref(),
    )
    await Promise.race([ready, timeout])
    const ms = performance.now() - start
    const stats = await container.stats({ stream: false })
    return { ms, cpuMs: stats.cpu_stats.cpu_usage.total_usage / 1e6 }
  } finally {
    stop.abort()
    await container.remove({ force: true, v: true })
  }
}

/** Whether the image boots through a boot module of its own (RABBITMQ_BOOT_MODULE in its env). */
export async function hasBootModule(docker: Docker, image: string): Promise<boolean> {
  const info = await docker.getImage(image).inspect()
  return (info.Config.Env ?? []).some(
    (entry) => entry.startsWith('RABBITMQ_BOOT_MODULE=') && entry !== 'RABBITMQ_BOOT_MODULE=rabbit',
  )
}

export async function brokerBootFigure(
  docker: Docker,
  image: string,
  rounds: number,
): Promise<Figure> {
  const ours: Boot[] = []
  const theirs: Boot[] = []
  for (let round = 1; round <= rounds; round += 1) {
    const order = round % 2 === 1 ? [true, false] : [false, true]
    for (const preload of order) {
      const boot = await bootOnce(docker, image, preload ? [] : ['RABBITMQ_BOOT_MODULE=rabbit'])
      ;(preload ? ours : theirs).push(boot)
    }
  }
  const s = (ms: number): string => (ms / 1000).toFixed(2)
  const a = median(ours.map((boot) => boot.ms))
  const b = median(theirs.map((boot) => boot.ms))
  console.log(
    `broker boot alone (docker start to AMQP listener), median of ${rounds}: ${s(a)} s with the image's boot module, ${s(b)} s with RabbitMQ's own, ratio ${(a / b).toFixed(2)}`,
  )
  return {
    goal: 8,
    name: "the broker's boot alone, with the image's boot module",
    value: a / 1000,
    unit: 's (median)',
    baseline: { name: "the same image booted by RabbitMQ's own boot module", value: b / 1000 },
    target: 'context: what bounds goal 8',
    method: `${rounds} rounds alternating which goes first: a fresh ${image} container (new volume), nothing else starting, from \`docker start\` to its "started TCP listener" line; the baseline sets RABBITMQ_BOOT_MODULE=rabbit. The image's boot module (scripts/images/rabbitmq/maildock_boot.erl) loads the ~1,100 modules of rabbit, its plugins and their applications in one parallel batch before RabbitMQ boots and reads every module's attributes, which otherwise loads them one by one. Container CPU to the ready line (median): ${s(median(ours.map((boot) => boot.cpuMs)))} s vs ${s(median(theirs.map((boot) => boot.cpuMs)))} s. Rounds (s): ${ours.map((boot) => s(boot.ms)).join(', ')} vs ${theirs.map((boot) => s(boot.ms)).join(', ')}`,
  }
}
