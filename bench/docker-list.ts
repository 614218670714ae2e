// Listing benchmark: containers:list and images:list through the router (validation, mapping,
// grouping, used-by) beside `docker ps -a` / `docker images` and raw dockerode, same run, same data.
//   npx tsx bench/docker-list.ts [--containers 500] [--images 200] [--rounds 7]
// Creates labelled containers (created, not started) and tiny imported images, removes them after.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify, parseArgs } from 'node:util'
import {
  BASE_IMAGE,
  cleanupSuite,
  startHarness,
  testLabels,
  uniqueSuite,
} from '../test/support/docker'

const run = promisify(execFile)
const { values } = parseArgs({
  options: {
    containers: { type: 'string', default: '500' },
    images: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '7' },
  },
})
const CONTAINERS = Number(values.containers)
const IMAGES = Number(values.images)
const ROUNDS = Number(values.rounds)
const suite = uniqueSuite('bench-list')
const labels = testLabels(suite)

async function inParallel(count: number, width: number, task: (i: number) => Promise<unknown>) {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: width }, worker))
}

/** Median and min of `rounds` timings, in ms, after one warm-up. */
async function time(rounds: number, work: () => Promise<unknown>) {
  await work()
  const samples: number[] = []
  for (let i = 0; i < rounds; i++) {
    const start = performance.now()
    await work()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  return { median: samples[Math.floor(samples.length / 2)]!, min: samples[0]! }
}

const h = await startHarness()
const engine = h.engine.client
const work = mkdtempSync(join(tmpdir(), 'maildock-bench-'))
try {
  let start = performance.now()
  await inParallel(CONTAINERS, 8, (i) =>
    engine.createContainer({
      Image: BASE_IMAGE,
      name: `${suite}-c${i}`,
      Cmd: ['true'],
      Labels: { ...labels, ...(i % 5 === 0 ? { 'maildock.stack': `stack${i % 3}` } : {}) },
    }),
  )
  console.log(
    `setup: ${CONTAINERS} containers created in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  )

  start = performance.now()
  await inParallel(IMAGES, 4, async (i) => {
    const dir = join(work, `i${i}`)
    await run('mkdir', ['-p', dir])
    writeFileSync(join(dir, 'file'), `image ${i}\n`)
    const tar = join(work, `i${i}.tar`)
    await run('tar', ['-C', dir, '-cf', tar, '.'])
    await run('docker', [
      'import',
      ...Object.entries(labels).flatMap(([k, v]) => ['--change', `LABEL ${k}=${v}`]),
      tar,
      `maildock-bench/${suite}:i${i}`,
    ])
  })
  console.log(
    `setup: ${IMAGES} images imported in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  )

  const totals = {
    containers: (await engine.listContainers({ all: true })).length,
    images: (await engine.listImages()).length,
  }
  console.log(`engine now holds ${totals.containers} containers and ${totals.images} images\n`)

  const rows: Array<[string, { median: number; min: number }]> = [
    [
      'containers:list (router, all)',
      await time(ROUNDS, () => h.client.call('containers:list', {})),
    ],
    [
      'dockerode listContainers (raw)',
      await time(ROUNDS, () => engine.listContainers({ all: true })),
    ],
    ['docker ps -a (CLI)', await time(ROUNDS, () => run('docker', ['ps', '-a']))],
    [
      'images:list (router, with used-by)',
      await time(ROUNDS, () => h.client.call('images:list', {})),
    ],
    ['dockerode listImages (raw)', await time(ROUNDS, () => engine.listImages())],
    ['docker images (CLI)', await time(ROUNDS, () => run('docker', ['images']))],
  ]
  const width = Math.max(...rows.map(([name]) => name.length))
  console.log(`${'what'.padEnd(width)}  median ms   min ms   (${ROUNDS} rounds)`)
  for (const [name, { median, min }] of rows) {
    console.log(
      `${name.padEnd(width)}  ${median.toFixed(1).padStart(9)}  ${min.toFixed(1).padStart(7)}`,
    )
  }
  const ratio = (a: number, b: number) => (rows[a]![1].median / rows[b]![1].median).toFixed(2)
  console.log(
    `\ncontainers:list / docker ps -a = ${ratio(0, 2)}x; images:list / docker images = ${ratio(3, 5)}x`,
  )
} finally {
  const start = performance.now()
  await cleanupSuite(engine, suite)
  console.log(`cleanup in ${((performance.now() - start) / 1000).toFixed(1)} s`)
  rmSync(work, { recursive: true, force: true })
  await h.close()
}
