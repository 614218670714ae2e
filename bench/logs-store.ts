// Log store figures (issue #12, goals 4 and 5): insert throughput of the store's writer beside a
// raw better-sqlite3 loop inserting the same rows (same schema and FTS index, one transaction per
// 5,000 rows), and search latency p50/p95 of every search the Logs panel and `maildock logs` offer
// on a store filled by the app's own writer (no rebuild or optimise step the app does not do by
// itself), all in the same run.
//   npx tsx bench/logs-store.ts [--rows 200000] [--sizes 1000000,5000000] [--runs 30] [--quick]
//   [--keep] keeps the filled store; [--store FILE] searches a kept one again instead of filling.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type Database from 'better-sqlite3'
import { openLogDatabase } from '../electron/main/logs/database'
import { fixtureMessages, fixtureRecipient, toMail } from '../test/support/log-fixtures'
import { rowFromContainerLine, rowFromMailMessage, type LogRow } from '../electron/main/logs/rows'
import { indexSegments, mergeIndexStep } from '../electron/main/logs/index-merge'
import { sealWordBlocks } from '../electron/main/logs/block-words'
import { LogStore } from '../electron/main/logs/store'
import { flushWordPairs } from '../electron/main/logs/word-pairs'
import { ratio, reportFigures, type Figure } from './figures'
import { searchWorkloads } from './log-searches'
import { searchWhileCounting } from './log-search-contention'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    sizes: { type: 'string', default: '1000000,5000000' },
    runs: { type: 'string', default: '30' },
    dir: { type: 'string', default: tmpdir() },
    keep: { type: 'boolean', default: false },
    'skip-insert': { type: 'boolean', default: false },
    store: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
})
if (values.quick) {
  values.rows = '30000'
  values.sizes = '200000'
  values.runs = '20'
}
const figures: Figure[] = []
const INSERT_ROWS = Number(values.rows)
const SIZES = values.sizes.split(',').map(Number)
const RUNS = Number(values.runs)
const KEPT =
  values.store === undefined
    ? ''
    : ' in an earlier run (kept; opened, and migrated if older, by the app)'
const root = mkdtempSync(join(values.dir, 'maildock-bench-logs-'))
const START = Date.UTC(2025, 0, 1)
const SERVICES = ['api', 'emailer', 'logger', 'broker']

/** Row i of a realistic mix: 3 in 4 container lines, 1 in 4 mail messages (request + events). */
function makeRow(i: number): LogRow {
  if (i % 4 === 3) {
    const email = Math.floor(i / 4)
    const messages = fixtureMessages(Math.floor(email / 3), { ...shape, start: START })
    const message = messages[email % 3] ?? messages[0]!
    return rowFromMailMessage(toMail(message))
  }
  const service = SERVICES[i % SERVICES.length]!
  const level = i % 97 === 0 ? 'ERROR' : i % 31 === 0 ? 'WARN' : 'INFO'
  return rowFromContainerLine(
    { id: `c-${service}`, name: `stack-${service}-1`, service },
    {
      stream: level === 'INFO' ? 'stdout' : 'stderr',
      time: new Date(START + i * 20).toISOString(),
      text: `${level} delivered message id=msg-${i} to ${fixtureRecipient(i)} in ${i % 97} ms via relay${i % 7}`,
    },
  )
}
const shape = { recipients: 1000, words: 500, spacingMs: 240, start: START }

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN
const fmt = (n: number): string => Math.round(n).toLocaleString('en')
const ms = (n: number): string => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`

function insertStatement(db: Database.Database) {
  return db.prepare(`INSERT OR IGNORE INTO entries
    (ts, source, service, container, stream, level, email_id, status, text, raw, dedup)
    VALUES (@ts, @source, @service, @container, @stream, @level, @emailId, @status, @text, @raw, @dedup)`)
}
const columns = ({ email: _email, ...rest }: LogRow) => rest

// ----- insert throughput -----

/** The store's writer, as the app feeds it: 10,000-row chunks, one transaction per batch. */
async function writerPass(
  rows: LogRow[],
  file: string,
): Promise<{ rate: number; batches: number }> {
  const store = new LogStore({ path: join(root, file), retentionDelayMs: 0 })
  store.status()
  const started = performance.now()
  for (let i = 0; i < rows.length; i += 10_000) {
    store.writer.addLineRows(rows.slice(i, i + 10_000))
    await new Promise((resolve) => setImmediate(resolve))
  }
  await store.flush()
  const rate = rows.length / ((performance.now() - started) / 1000)
  const { batches } = store.status().ingest
  await store.close()
  return { rate, batches }
}

/** Raw better-sqlite3 loop, same schema, FTS trigger and pragmas: one transaction per 5,000 rows. */
function rawPass(rows: LogRow[], file: string): number {
  const raw = openLogDatabase(join(root, file))
  const rawInsert = rawInserter(raw)
  const started = performance.now()
  for (let i = 0; i < rows.length; i += 5_000) {
    raw.transaction(() => {
      for (const row of rows.slice(i, i + 5_000)) rawInsert(row)
      // The same indexes as the writer's: a transaction's word pairs at its end.
      flushWordPairs(raw)
    })()
  }
  const rate = rows.length / ((performance.now() - started) / 1000)
  raw.close()
  return rate
}

const INSERT_ROUNDS = 3
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN

async function insertBench(): Promise<void> {
  const rows = Array.from({ length: INSERT_ROWS }, (_, i) => makeRow(i))
  console.log(
    `\n== Insert throughput: ${fmt(INSERT_ROWS)} rows (3/4 container lines, 1/4 mail events)`,
  )
  // Untimed warm-up of both (the first pass of a process pays for JIT and caches), then rounds
  // in A B B A order so neither side always goes first.
  await writerPass(rows, 'warm-writer.db')
  rawPass(rows, 'warm-raw.db')
  const writer: number[] = []
  const raw: number[] = []
  let batches = 0
  for (let round = 0; round < INSERT_ROUNDS; round += 1) {
    const writerFirst = round % 2 === 0
    if (!writerFirst) raw.push(rawPass(rows, `raw-${round}.db`))
    const pass = await writerPass(rows, `writer-${round}.db`)
    writer.push(pass.rate)
    batches = pass.batches
    if (writerFirst) raw.push(rawPass(rows, `raw-${round}.db`))
  }
  const writerRate = median(writer)
  const rawRate = median(raw)
  const list = (rates: number[]) => rates.map(fmt).join(', ')
  console.log(
    `store writer (${batches} transactions)   ${fmt(writerRate).padStart(9)} rows/s  (${list(writer)})`,
  )
  console.log(
    `raw loop, 5,000 rows per transaction   ${fmt(rawRate).padStart(9)} rows/s  (${list(raw)})`,
  )
  console.log(`writer / raw loop = ${(writerRate / rawRate).toFixed(2)}x`)
  figures.push({
    goal: 5,
    name: 'store writer insert rate',
    value: writerRate,
    unit: 'rows/s',
    baseline: { name: 'raw better-sqlite3 loop, 5,000 rows per transaction', value: rawRate },
    target: '>= 0.8x baseline',
    holds: ratio(writerRate, rawRate) >= 0.8,
    method: `${fmt(INSERT_ROWS)} rows (3/4 container lines, 1/4 mail events with their email and recipient rows), same schema, FTS trigger and pragmas, each pass on a fresh file; median of ${INSERT_ROUNDS} rounds in writer-raw, raw-writer order after an untimed pass of each (writer: ${list(writer)}; raw: ${list(raw)} rows/s); the writer had no reader, so it wrote transactions of up to 5,000 rows (${batches} for this run)`,
  })
}

/** The raw baseline's insert of one row: entry (FTS by trigger), email and recipients. */
function rawInserter(db: Database.Database): (row: LogRow) => void {
  const insert = insertStatement(db)
  const email = db.prepare(
    'INSERT OR IGNORE INTO emails (email_id, subject, first_ts) VALUES (?, ?, ?)',
  )
  const recipient = db.prepare(
    'INSERT OR IGNORE INTO email_recipients (address, email_id) VALUES (?, ?)',
  )
  return (row) => {
    insert.run(columns(row))
    if (row.email) {
      email.run(row.email.emailId, row.email.subject, row.email.ts)
      for (const address of row.email.recipients) recipient.run(address, row.email.emailId)
    }
  }
}

// ----- search latency -----

/** Fills the store through its own writer, as the app does (no rebuild or optimise step). */
async function fillWithWriter(store: LogStore, from: number, to: number): Promise<void> {
  const chunk = 10_000
  for (let start = from; start < to; start += chunk) {
    const rows = Array.from({ length: Math.min(chunk, to - start) }, (_, i) => makeRow(start + i))
    store.writer.addLineRows(rows)
    if ((start - from) % 100_000 === 0) await store.flush()
    else await new Promise((resolve) => setImmediate(resolve))
  }
  await store.flush()
}

/** Each search's run times (ms, sorted) and the rows its last run found. */
function timeSearches(
  db: Database.Database,
  size: number,
): Map<string, { times: number[]; rows: number }> {
  const timed = new Map<string, { times: number[]; rows: number }>()
  for (const workload of searchWorkloads(size, { start: START, services: SERVICES, shape })) {
    workload.run(db, 0)
    const times: number[] = []
    let rows = 0
    for (let i = 0; i < RUNS; i += 1) {
      const started = performance.now()
      rows = workload.run(db, i + 1)
      times.push(performance.now() - started)
    }
    timed.set(workload.name, { times: times.sort((a, b) => a - b), rows })
  }
  return timed
}

/** What the store's worker does once it has been quiet for 3 s: merge the index, seal blocks. */
function idleMerge(db: Database.Database): string {
  const before = indexSegments(db)
  const started = performance.now()
  let steps = 0
  while (mergeIndexStep(db)) steps += 1
  const merged = performance.now()
  let seals = 0
  while (sealWordBlocks(db)) seals += 1
  const seconds = (from: number, to: number): string => `${((to - from) / 1000).toFixed(1)} s`
  return `${before} -> ${indexSegments(db)} full-text segments in ${steps} steps, ${seconds(started, merged)}; blocks' frequent words sealed in ${seals} steps, ${seconds(merged, performance.now())}`
}

/**
 * Every search as the writer left the store, then after the idle merge the app's store worker
 * runs by itself (the figures: the store as it is once quiet, with the first times beside them).
 */
function searchBench(db: Database.Database, size: number): void {
  console.log(`\n== Search latency over ${fmt(size)} rows (${RUNS} runs each, limit 100)`)
  const written = timeSearches(db, size)
  const merge = idleMerge(db)
  console.log(`idle merge: ${merge}`)
  console.log(
    `${'query'.padEnd(40)} ${'p50'.padStart(10)} ${'p95'.padStart(10)}  rows  (p95 before the merge)`,
  )
  for (const [name, { times, rows }] of timeSearches(db, size)) {
    const p95 = percentile(times, 0.95)
    const first = ms(percentile(written.get(name)?.times ?? [], 0.95))
    figures.push({
      goal: 4,
      name: `search at ${fmt(size)} rows: ${name}`,
      value: p95,
      unit: 'ms p95',
      target: '<= 50 ms',
      holds: p95 <= 50,
      method: `${times.length} runs (varying terms), limit 100, on a store filled by the app's writer${KEPT}, after the merge and block sealing its store worker runs once quiet (${merge}); p50 ${ms(percentile(times, 0.5))}; before that merge p95 ${first}`,
    })
    console.log(
      `${name.padEnd(40)} ${ms(percentile(times, 0.5)).padStart(10)} ${ms(p95).padStart(10)}  ${rows}  (${first})`,
    )
  }
}

try {
  if (!values['skip-insert']) await insertBench()
  const path = values.store ?? join(root, 'search.db')
  const store = new LogStore({ path, retentionDelayMs: 0 })
  let loaded = 0
  if (values.store !== undefined) {
    const reader = store.reader()
    loaded = (reader.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n
    console.log(`\n(store: ${values.store}, ${fmt(loaded)} rows, kept from an earlier run)`)
    searchBench(reader, loaded)
  }
  for (const size of SIZES.filter((rows) => rows > loaded)) {
    const started = performance.now()
    await fillWithWriter(store, loaded, size)
    loaded = size
    const file = statSync(join(root, 'search.db')).size
    console.log(
      `\n(store: ${fmt(size)} rows written by the store's writer in ${((performance.now() - started) / 1000).toFixed(0)} s, file ${fmt(file / 1024 / 1024)} MB)`,
    )
    searchBench(store.reader(), size)
  }
  await store.close()
  if (loaded > 0) figures.push(await searchWhileCounting(path, loaded, values.quick ? 5 : 10))
  reportFigures('logs-store', figures)
} finally {
  if (values.keep) console.log(`kept ${root}`)
  else rmSync(root, { recursive: true, force: true })
}
