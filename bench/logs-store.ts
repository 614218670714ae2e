// Log store figures: insert throughput of the batching writer beside a plain better-sqlite3 insert
// loop on the same schema, and search latency p50/p95 over 1 M and 5 M rows (full text and
// filtered), all in the same run.
//   npx tsx bench/logs-store.ts [--rows 200000] [--sizes 1000000,5000000] [--runs 30] [--dir /tmp]
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type Database from 'better-sqlite3'
import { logHistogramInput, logSearchInput, type LogQuery } from '../shared/contract'
import { openLogDatabase } from '../electron/main/logs/database'
import {
  fixtureMessages,
  fixtureRecipient,
  fixtureWord,
  toMail,
} from '../test/support/log-fixtures'
import { getEntries, histogram, searchEntries } from '../electron/main/logs/queries'
import { rowFromContainerLine, rowFromMailMessage, type LogRow } from '../electron/main/logs/rows'
import { LogStore } from '../electron/main/logs/store'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    sizes: { type: 'string', default: '1000000,5000000' },
    runs: { type: 'string', default: '30' },
    dir: { type: 'string', default: tmpdir() },
    keep: { type: 'boolean', default: false },
    'skip-insert': { type: 'boolean', default: false },
  },
})
const INSERT_ROWS = Number(values.rows)
const SIZES = values.sizes.split(',').map(Number)
const RUNS = Number(values.runs)
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

async function insertBench(): Promise<void> {
  const rows = Array.from({ length: INSERT_ROWS }, (_, i) => makeRow(i))
  console.log(
    `\n== Insert throughput: ${fmt(INSERT_ROWS)} rows (3/4 container lines, 1/4 mail events)`,
  )

  // The store's writer: queued, flushed every 50 ms or 5,000 rows, one transaction per batch.
  const store = new LogStore({ path: join(root, 'writer.db'), retentionDelayMs: 0 })
  store.status()
  let started = performance.now()
  for (let i = 0; i < rows.length; i += 10_000) {
    store.writer.addLineRows(rows.slice(i, i + 10_000))
    await new Promise((resolve) => setImmediate(resolve))
  }
  await store.flush()
  const writerRate = rows.length / ((performance.now() - started) / 1000)
  const { batches } = store.status().ingest
  await store.close()

  // Plain better-sqlite3 loop, same schema and pragmas: one INSERT (one transaction) per row.
  const plainRows = rows.slice(0, Math.min(rows.length, 5_000))
  const plain = openLogDatabase(join(root, 'plain.db'))
  const insert = insertStatement(plain)
  started = performance.now()
  for (const row of plainRows) insert.run(columns(row))
  const plainRate = plainRows.length / ((performance.now() - started) / 1000)
  plain.close()

  // The same loop in one transaction: the ceiling for this schema on this machine.
  const one = openLogDatabase(join(root, 'one-tx.db'))
  const insertOne = insertStatement(one)
  started = performance.now()
  one.transaction(() => {
    for (const row of rows) insertOne.run(columns(row))
  })()
  const oneRate = rows.length / ((performance.now() - started) / 1000)
  one.close()

  console.log(
    `batching writer (${batches} transactions)        ${fmt(writerRate).padStart(9)} rows/s`,
  )
  console.log(
    `plain insert loop, autocommit (${fmt(plainRows.length)} rows)  ${fmt(plainRate).padStart(9)} rows/s`,
  )
  console.log(`plain insert loop, one transaction          ${fmt(oneRate).padStart(9)} rows/s`)
  console.log(
    `writer / plain autocommit loop = ${(writerRate / plainRate).toFixed(1)}x; writer / one transaction = ${(writerRate / oneRate).toFixed(2)}x`,
  )
}

// ----- search latency -----

/** Bench fixture only: grows the file fast (secondary indexes and FTS built after the load). */
function bulkLoad(db: Database.Database, from: number, to: number): void {
  const indexes = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entries' AND sql IS NOT NULL",
    )
    .all() as Array<{ name: string; sql: string }>
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`)
  db.exec('DROP TRIGGER entries_fts_insert')
  const insert = insertStatement(db)
  const email = db.prepare(
    'INSERT OR IGNORE INTO emails (email_id, subject, first_ts) VALUES (?, ?, ?)',
  )
  const recipient = db.prepare(
    'INSERT OR IGNORE INTO email_recipients (address, email_id) VALUES (?, ?)',
  )
  const chunk = 50_000
  for (let start = from; start < to; start += chunk) {
    db.transaction(() => {
      for (let i = start; i < Math.min(to, start + chunk); i += 1) {
        const row = makeRow(i)
        insert.run(columns(row))
        if (row.email) {
          email.run(row.email.emailId, row.email.subject, row.email.ts)
          for (const address of row.email.recipients) recipient.run(address, row.email.emailId)
        }
      }
    })()
  }
  for (const index of indexes) db.exec(index.sql)
  db.exec(`CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts(rowid, text) VALUES (new.id, new.text); END`)
  db.exec("INSERT INTO entries_fts(entries_fts) VALUES ('rebuild')")
  db.exec("INSERT INTO entries_fts(entries_fts) VALUES ('optimize')")
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.exec('ANALYZE')
}

interface Workload {
  name: string
  run: (db: Database.Database, i: number) => number
}

function searchWorkloads(size: number): Workload[] {
  const end = START + size * 20
  const search =
    (query: LogQuery, extra: { cursor?: string } = {}) =>
    (db: Database.Database) =>
      searchEntries(db, logSearchInput.parse({ query, limit: 100, ...extra })).entries.length
  const emails = Math.floor(size / 4 / 3)
  return [
    {
      name: 'full text, rare (an email id)',
      run: (db, i) => search({ text: `email-${(i * 7919) % emails}` })(db),
    },
    {
      name: 'full text, a subject word (rare)',
      run: (db, i) => search({ text: fixtureWord(i, shape) })(db),
    },
    { name: 'full text, common word (~75%)', run: (db) => search({ text: 'delivered' })(db) },
    { name: 'full text, phrase (common)', run: search({ text: '"delivered message"' }) },
    {
      name: 'full text, phrase that never occurs',
      run: (db, i) => search({ text: `"relay${i % 7} delivered"` })(db),
    },
    { name: 'full text, prefix', run: (db, i) => search({ text: `relay${i % 7}*` })(db) },
    {
      name: 'full text + service + level',
      run: (db, i) =>
        search({ text: 'delivered', services: [SERVICES[i % 4]!], levels: ['error'] })(db),
    },
    { name: 'filter: level error', run: search({ levels: ['error'] }) },
    {
      name: 'filter: service + last hour',
      run: (db, i) => search({ services: [SERVICES[i % 4]!], from: end - 3_600_000 })(db),
    },
    {
      name: 'filter: recipient',
      run: (db, i) => search({ recipient: fixtureRecipient(i, shape) })(db),
    },
    { name: 'filter: status failed', run: search({ statuses: ['failed'] }) },
    {
      name: 'page 20 by keyset cursor (all rows)',
      run: (db) => {
        let cursor: string | undefined
        let rows = 0
        for (let page = 0; page < 20; page += 1) {
          const result = searchEntries(
            db,
            logSearchInput.parse({ limit: 100, ...(cursor ? { cursor } : {}) }),
          )
          rows = result.entries.length
          cursor = result.nextCursor ?? undefined
        }
        return rows
      },
    },
    {
      name: 'timeline of one email (logs:get)',
      run: (db, i) => getEntries(db, { emailId: `email-${(i * 7919) % emails}` }).timeline.length,
    },
    {
      name: 'histogram, 60 buckets, last day',
      run: (db) =>
        histogram(db, logHistogramInput.parse({ query: { from: end - 86_400_000, to: end } }))
          .buckets.length,
    },
    {
      name: 'histogram, 60 buckets, full text',
      run: (db, i) =>
        histogram(db, logHistogramInput.parse({ query: { text: fixtureWord(i, shape) } })).buckets
          .length,
    },
  ]
}

function searchBench(db: Database.Database, size: number): void {
  console.log(`\n== Search latency over ${fmt(size)} rows (${RUNS} runs each, limit 100)`)
  console.log(`${'query'.padEnd(40)} ${'p50'.padStart(10)} ${'p95'.padStart(10)}  rows`)
  for (const workload of searchWorkloads(size)) {
    workload.run(db, 0)
    const times: number[] = []
    let rows = 0
    for (let i = 0; i < RUNS; i += 1) {
      const started = performance.now()
      rows = workload.run(db, i + 1)
      times.push(performance.now() - started)
    }
    times.sort((a, b) => a - b)
    console.log(
      `${workload.name.padEnd(40)} ${ms(percentile(times, 0.5)).padStart(10)} ${ms(percentile(times, 0.95)).padStart(10)}  ${rows}`,
    )
  }
}

try {
  if (!values['skip-insert']) await insertBench()
  const db = openLogDatabase(join(root, 'search.db'))
  let loaded = 0
  for (const size of SIZES) {
    const started = performance.now()
    bulkLoad(db, loaded, size)
    loaded = size
    const file = statSync(join(root, 'search.db')).size
    console.log(
      `\n(fixture: ${fmt(size)} rows loaded in ${((performance.now() - started) / 1000).toFixed(0)} s, file ${fmt(file / 1024 / 1024)} MB)`,
    )
    searchBench(db, size)
  }
  db.close()
} finally {
  if (values.keep) console.log(`kept ${root}`)
  else rmSync(root, { recursive: true, force: true })
}
