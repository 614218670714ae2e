// One-click stack benchmark: time from `up` (images already built) to every service healthy, beside
// `docker-compose up -d` + waiting for health on the exported compose file: same engine, same
// images, same health checks, same run, alternating which goes first.
//   npx tsx bench/stack-up.ts [--rounds 3] [--quick] [--steps]
// --steps prints each maildock round's steps with their start and end (s after the start).
// Uses a throw-away stack (engine-picked ports, label maildock.test=1) and removes it after.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import Docker from 'dockerode'
import type { StackOperation } from '../shared/contract'
import {
  openStack,
  pinTestInputs,
  removeStack,
  stackEnv,
  uniqueStackName,
  waitLabelledHealthy,
} from '../test/support/stack'
import { chooseTestImages } from '../test/images'
import { brokerBootFigure, hasBootModule } from './broker-boot'
import { median, reportFigures, type Figure } from './figures'

const run = promisify(execFile)
const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    steps: { type: 'boolean', default: false },
  },
})
const QUICK = values.quick
// Three rounds, --quick too: compose's time hangs on where its services' backoff falls (10.6 to
// 20.3 s in one run), and the median of two is their mean, which one lucky round moves.
const ROUNDS = Number(values.rounds ?? 3)

chooseTestImages()
const docker = new Docker()
const name = uniqueStackName('bench')
const project = `${name}-compose`
const dir = mkdtempSync(join(tmpdir(), 'maildock-bench-stack-'))
const file = join(dir, 'docker-compose.yml')
const pinned = await pinTestInputs(docker, name)
const stack = await openStack(stackEnv(name, pinned.env))
const compose = (...args: string[]) =>
  run('docker-compose', ['-p', project, '-f', file, ...args], { cwd: dir })

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

/** When each service became healthy, from the operation's steps (ms after the start). */
function healthyAt(operation: StackOperation): string {
  return operation.steps
    .filter((s) => s.kind === 'health' && s.endedAt !== null)
    .map((s) => `${s.service ?? '?'} ${seconds((s.endedAt ?? 0) - operation.startedAt)}`)
    .join(', ')
}

/** Every step of the operation: when it started and ended, after the operation's start. */
function timeline(operation: StackOperation): string {
  const at = (t: number | null): string =>
    t === null ? '-' : ((t - operation.startedAt) / 1000).toFixed(2)
  return operation.steps
    .map((s) => `    ${at(s.startedAt).padStart(6)} ${at(s.endedAt).padStart(6)}  ${s.title}`)
    .join('\n')
}

/** `maildock up` on a stack that is already up, timed in the last round. */
let noop = { ms: NaN, summary: '' }

/** When the broker became healthy in each maildock round (ms after the start). */
const brokerHealthy: number[] = []
/** From the broker healthy to the last service healthy, in each maildock round (ms). */
const afterBroker: number[] = []

async function maildockUp(last: boolean): Promise<{ ms: number; detail: string }> {
  const start = performance.now()
  const result = await stack.manager.up()
  const ms = performance.now() - start
  if (result.status.state !== 'up') throw new Error(`stack ended ${result.status.state}`)
  const broker = result.operation.steps.find((s) => s.kind === 'health' && s.service === 'broker')
  brokerHealthy.push((broker?.endedAt ?? NaN) - result.operation.startedAt)
  const lastHealthy = Math.max(
    ...result.operation.steps.filter((s) => s.kind === 'health').map((s) => s.endedAt ?? NaN),
  )
  afterBroker.push(lastHealthy - (broker?.endedAt ?? NaN))
  if (values.steps) console.log(`  steps (start end title):\n${timeline(result.operation)}`)
  if (last) {
    const again = performance.now()
    const repeated = await stack.manager.up()
    noop = { ms: performance.now() - again, summary: repeated.operation.summary ?? '' }
  }
  return { ms, detail: healthyAt(result.operation) }
}

/** `docker-compose up -d` on a project that is already up, timed in the last round. */
let composeNoopMs = NaN

async function composeUp(last: boolean): Promise<{ ms: number; detail: string }> {
  const start = performance.now()
  await compose('up', '-d')
  const created = performance.now() - start
  await waitLabelledHealthy(docker, `com.docker.compose.project=${project}`, 5)
  const ms = performance.now() - start
  if (last) {
    const again = performance.now()
    await compose('up', '-d')
    composeNoopMs = performance.now() - again
  }
  return { ms, detail: `up -d returned after ${seconds(created)}` }
}

try {
  console.log(`stack-up bench: ${ROUNDS} rounds, stack ${name}, images:`)
  console.log(
    `  node ${process.env.MAILDOCK_NODE_IMAGE}, broker ${process.env.MAILDOCK_BROKER_IMAGE}, catcher ${process.env.MAILDOCK_CATCHER_IMAGE}`,
  )
  // The export names the built service images only once they exist (else a placeholder tag that
  // docker-compose would build, timed): a warm-up start builds them first, not timed. Without
  // --quick it always runs: the first start after a build pays for caches the rounds then share.
  let exported = await stack.manager.exportCompose(true)
  if (!QUICK || exported.warnings.some((warning) => warning.includes('not built'))) {
    const warm = await stack.manager.up()
    console.log(`warm-up up (builds included): ${seconds(warm.operation.elapsedMs)}`)
    await stack.manager.down(true)
    exported = await stack.manager.exportCompose(true)
  }
  writeFileSync(file, exported.compose)
  writeFileSync(join(dir, '.env'), exported.env, { mode: 0o600 })

  const ours: number[] = []
  const theirs: number[] = []
  for (let round = 1; round <= ROUNDS; round += 1) {
    const order = round % 2 === 1 ? ['maildock', 'compose'] : ['compose', 'maildock']
    for (const who of order) {
      if (who === 'maildock') {
        const { ms, detail } = await maildockUp(round === ROUNDS)
        ours.push(ms)
        console.log(`round ${round} maildock up        ${seconds(ms)}  (healthy: ${detail})`)
        // Removed by force, as compose's below: a graceful stop (about 9 s here) is not measured.
        await removeStack(docker, name)
      } else {
        const { ms, detail } = await composeUp(round === ROUNDS)
        theirs.push(ms)
        console.log(`round ${round} docker-compose up  ${seconds(ms)}  (${detail})`)
        await compose('down', '-v', '--timeout', '0')
      }
    }
  }

  const a = median(ours)
  const b = median(theirs)
  console.log('')
  console.log('time from up to every service healthy (images built), median of rounds:')
  console.log(
    `  maildock up                      ${seconds(a)}   (min ${seconds(Math.min(...ours))})`,
  )
  console.log(
    `  docker-compose up -d + health    ${seconds(b)}   (min ${seconds(Math.min(...theirs))})`,
  )
  console.log(`  ratio maildock / compose         ${(a / b).toFixed(2)}`)
  console.log('up when everything is already up (nothing to do):')
  console.log(`  maildock up                      ${seconds(noop.ms)}  (${noop.summary})`)
  console.log(`  docker-compose up -d             ${seconds(composeNoopMs)}`)
  const brokerImage = pinned.env.MAILDOCK_BROKER_IMAGE ?? ''
  const context: Figure[] = (await hasBootModule(docker, brokerImage))
    ? [await brokerBootFigure(docker, brokerImage, ROUNDS)]
    : []
  reportFigures('stack-up', [
    {
      goal: 8,
      name: '`maildock up` to all healthy',
      value: a / 1000,
      unit: 's (median)',
      baseline: {
        name: '`docker-compose up -d` + health wait on the exported file',
        value: b / 1000,
      },
      target: '<= 0.8x baseline',
      holds: a / b <= 0.8,
      method: `${ROUNDS} round${ROUNDS === 1 ? '' : 's'} alternating which goes first, same engine and images (built beforehand), same health checks, a throw-away stack removed between rounds${QUICK ? '; --quick: no untimed warm-up start (unless the service images need building), so round 1 starts cold for maildock, which goes first in it' : ''}. What differs is the orchestration: both start api, emailer and logger beside the booting broker (compose: depends_on list form), but MailDock tells them to connect the moment the broker logs that its AMQP listener is open, before its health check can pass, and again once it is healthy (SIGWINCH: retry now, the same images' code), while compose leaves them to their reconnect backoff (250 ms doubling to 10 s), so its time depends on where a retry falls against the broker's boot. Rounds (s): maildock ${ours.map((ms) => (ms / 1000).toFixed(2)).join(', ')}; compose ${theirs.map((ms) => (ms / 1000).toFixed(2)).join(', ')}`,
      ...(a / b <= 0.8
        ? {}
        : {
            bound: `the broker's boot: healthy ${seconds(median(brokerHealthy))} into maildock up (median, while the other services boot beside it on the same cores), then ${seconds(median(afterBroker))} until the last service is healthy (median; told to connect on the broker's ready line, a service is healthy as it connects: until their first pass the checks run every 0.5 s and hold up to 7 s; 0 s means the broker's own check came last); compose pays the same boot and checks plus its services' backoff`,
          }),
    },
    ...context,
  ])
} finally {
  await compose('down', '-v', '--timeout', '5').catch(() => undefined)
  await removeStack(docker, name)
  stack.close()
  await pinned.cleanup()
  rmSync(dir, { recursive: true, force: true })
}
