// Runs every benchmark one after the other and writes BENCHMARKS.md (issue #12's goals 1-8): per
// figure its baseline from the same run, the ratio, the goal and whether it holds, with the
// machine's cores, memory and load while it ran.
//   npm run bench [-- --quick] [-- --only mail-stack,logs-store] [-- --out BENCHMARKS.md]
//   [-- --full mail-stack]: these at full size in a --quick run (goal 1's 30,000 emails: about a
//   minute);
//   [-- --logs-store FILE]: goal 4's searches on a store kept by `logs-store --keep` (5M rows
//   take the writer about 8 minutes to fill here), instead of one filled in this run.
// logs-tail-browser needs the built app (`npm run build`) and Debian's Chromium.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus, freemem, loadavg, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import serverLaunch from '../electron/main/server/launch.json'
import { MailStack } from '../resources/stack/test/mail-stack'
import { BENCH_STACK_OPTIONS, SHARED_STACK_ENV } from './bench-stack'
import { FIGURES_PREFIX, type Figure } from './figures'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    full: { type: 'string' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    'logs-store': { type: 'string' },
  },
})
const QUICK = values.quick
const FULL = new Set(values.full?.split(',') ?? [])

interface Bench {
  name: string
  args: { quick: string[]; full: string[] }
  /** Measures the mail stack the run shares (started once, removed after the last of these). */
  mailStack?: true
}

const BENCHES: Bench[] = [
  { name: 'mail-stack', args: { quick: ['--quick'], full: [] }, mailStack: true },
  { name: 'mail-bulk', args: { quick: ['--quick'], full: [] }, mailStack: true },
  { name: 'footprint', args: { quick: ['--quick'], full: [] }, mailStack: true },
  { name: 'logs-main-loop', args: { quick: ['--quick', '--seconds', '3'], full: [] } },
  { name: 'logs-store', args: { quick: ['--quick'], full: [] } },
  { name: 'logs-tail', args: { quick: ['--lines', '100000'], full: ['--lines', '200000'] } },
  { name: 'logs-tail-browser', args: { quick: ['--seconds', '2'], full: [] } },
  { name: 'stack-up', args: { quick: ['--quick'], full: [] } },
]

const GOALS: Record<number, string> = {
  1: 'Mail pipeline: >= 1,000 emails/s end to end, 0 lost / 0 duplicated, accept >= 50% of raw publish-with-confirms, p99 <= 100 ms at an offered 500/s',
  2: 'Bulk send from the app: 10,000-row CSV at >= 1,000 rows/s, >= 0.8x a plain client on the batch endpoint, endpoints looked up once per send',
  3: 'SQLite in a worker thread: main-loop delay p99 <= 20 ms under ingest + search + histogram + export',
  4: 'Search: every Logs panel / `maildock logs` search p95 <= 50 ms at 5M rows, store filled by the app\u2019s writer',
  5: 'Insert: the writer >= 0.8x a raw better-sqlite3 loop (5,000-row transactions)',
  6: 'Live tail: >= 0.8x `docker logs -f` on the same container, 0 lost for stack containers, Chromium frame p95 <= 32 ms, bounded heap',
  7: 'Footprint: <= 150 MB RSS idle (stack up, 1M rows), <= 300 MB during the tail burst',
  8: 'Stack start: `maildock up` to healthy <= 0.8x `docker-compose up -d` + health wait',
}

/** Goals no benchmark measures yet, and why (kept honest rather than left out). */
const NOT_MEASURED: Record<number, string> = {}

interface Ran {
  bench: string
  seconds: number
  loadBefore: number[]
  loadAfter: number[]
  figures: Figure[]
  failure?: string
}

/** The mail stack the benchmarks that measure one share, so it starts once per run. */
const sharedStack = { started: null as MailStack | null, seconds: 0 }

async function startSharedStack(): Promise<void> {
  const started = performance.now()
  console.log(
    '\n### starting the mail stack the mail-stack, mail-bulk and footprint benchmarks share',
  )
  sharedStack.started = await MailStack.start(BENCH_STACK_OPTIONS)
  sharedStack.seconds = (performance.now() - started) / 1000
  process.env[SHARED_STACK_ENV] = sharedStack.started.runId
}

async function stopSharedStack(): Promise<void> {
  const stack = sharedStack.started
  sharedStack.started = null
  delete process.env[SHARED_STACK_ENV]
  await stack?.stop()
}

const quickRun = (name: string): boolean => QUICK && !FULL.has(name)

function runBench(bench: Bench): Promise<Ran> {
  // node --import tsx rather than npx tsx: about 1 s less per benchmark. Those that run the core
  // in their own process (the tail, the main loop) run it as the browser-mode server runs.
  const args = [
    ...serverLaunch.nodeFlags,
    '--import',
    'tsx',
    `bench/${bench.name}.ts`,
    ...(quickRun(bench.name) ? bench.args.quick : bench.args.full),
  ]
  const keptStore = values['logs-store']
  if (bench.name === 'logs-store' && keptStore !== undefined) args.push('--store', keptStore)
  const loadBefore = loadavg()
  const started = performance.now()
  console.log(`\n### ${bench.name}: node ${args.join(' ')}`)
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      env: { ...serverLaunch.env, ...process.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const figures: Figure[] = []
    let pending = ''
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        if (line.startsWith(FIGURES_PREFIX)) {
          const parsed = JSON.parse(line.slice(FIGURES_PREFIX.length)) as { figures: Figure[] }
          figures.push(...parsed.figures)
        } else {
          console.log(line)
        }
      }
    })
    child.on('close', (code) => {
      resolve({
        bench: bench.name,
        seconds: (performance.now() - started) / 1000,
        loadBefore,
        loadAfter: loadavg(),
        figures,
        ...(code === 0 ? {} : { failure: `exited with ${code}` }),
      })
    })
  })
}

const num = (value: number): string =>
  Number.isNaN(value)
    ? 'n/a'
    : Math.abs(value) >= 100
      ? Math.round(value).toLocaleString('en')
      : value.toFixed(Math.abs(value) >= 10 ? 1 : 2)
const load = (values: number[]): string => values.map((v) => v.toFixed(1)).join(' / ')
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function figureRow(figure: Figure): string {
  const baseline = figure.baseline
  const ratio = baseline === undefined ? '' : `${num(figure.value / baseline.value)}x`
  const holds = figure.holds === undefined ? '-' : figure.holds ? 'yes' : '**no**'
  const method =
    figure.bound === undefined ? figure.method : `${figure.method}. **Bound:** ${figure.bound}`
  return `| ${cell(figure.name)} | ${num(figure.value)} ${figure.unit} | ${baseline === undefined ? '' : `${num(baseline.value)} (${cell(baseline.name)})`} | ${ratio} | ${cell(figure.target)} | ${holds} | ${cell(method)} |`
}

/** The command as run, with every flag that changes what ran or on what. */
function command(): string {
  const flags = [
    ...(QUICK ? ['--quick'] : []),
    ...(QUICK && FULL.size > 0 ? [`--full ${[...FULL].join(',')}`] : []),
    ...(values.only === undefined ? [] : [`--only ${values.only}`]),
    ...(values['logs-store'] === undefined ? [] : [`--logs-store ${values['logs-store']}`]),
  ]
  return flags.length === 0 ? 'npm run bench' : `npm run bench -- ${flags.join(' ')}`
}

function runKind(ran: Ran[]): string {
  if (!QUICK) return 'full run'
  const full = ran.filter((r) => !quickRun(r.bench)).map((r) => r.bench)
  return full.length === 0 ? 'quick run' : `quick run, ${full.join(', ')} at full size`
}

function markdown(ran: Ran[], totalSeconds: number): string {
  const lines = [
    '# MailDock benchmarks',
    '',
    `Written by \`${command()}\` on ${new Date().toISOString()} (${runKind(ran)}, ${Math.round(totalSeconds)} s).`,
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end), Node ${process.version}.`,
    ...(sharedStack.seconds > 0
      ? [
          `The mail stack that mail-stack, mail-bulk and footprint measure was started once for the run (${Math.round(sharedStack.seconds)} s, not in their times) and removed after the last of them.`,
        ]
      : []),
    'The machine is shared: the load average (1 / 5 / 15 min) before and after each benchmark is shown, and ratios against a baseline measured in the same run are the figures to trust.',
    '',
    '| benchmark | size | time | load before | load after | result |',
    '|---|---|---|---|---|---|',
    ...ran.map(
      (r) =>
        `| ${r.bench} | ${quickRun(r.bench) ? 'quick' : 'full'} | ${Math.round(r.seconds)} s | ${load(r.loadBefore)} | ${load(r.loadAfter)} | ${r.failure ?? `${r.figures.length} figures`} |`,
    ),
  ]
  for (const goal of Object.keys(GOALS).map(Number)) {
    const figures = ran.flatMap((r) => r.figures).filter((figure) => figure.goal === goal)
    lines.push('', `## Goal ${goal}: ${GOALS[goal]}`, '')
    if (figures.length === 0) {
      lines.push(
        NOT_MEASURED[goal] ?? 'No figure in this run (its benchmark did not run or failed).',
      )
      continue
    }
    lines.push(
      '| figure | value | baseline (same run) | ratio | goal | holds | method |',
      '|---|---|---|---|---|---|---|',
      ...figures.map(figureRow),
    )
    const note = NOT_MEASURED[goal]
    if (note !== undefined) lines.push('', note)
  }
  return `${lines.join('\n')}\n`
}

const only = values.only?.split(',')
const selected = BENCHES.filter((bench) => only === undefined || only.includes(bench.name))
const started = performance.now()
const ran: Ran[] = []
const lastOnStack = selected.findLast((bench) => bench.mailStack === true)
try {
  for (const bench of selected) {
    if (bench.mailStack === true && sharedStack.started === null) await startSharedStack()
    ran.push(await runBench(bench))
    if (bench === lastOnStack) await stopSharedStack()
  }
} finally {
  await stopSharedStack()
}
writeFileSync(values.out, markdown(ran, (performance.now() - started) / 1000))
console.log(`\nwrote ${values.out} (${Math.round((performance.now() - started) / 1000)} s)`)
