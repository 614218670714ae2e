// A 1,000-row bulk send against the real stack: its delivery report (from the log store) counts
// what the catcher holds for the send's tag, its CSV has one line per input row, and the report
// reads the same after the app restarts.
import Papa from 'papaparse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SendReport } from '../../../shared/contract'
import { waitFor } from '../../../resources/stack/test/docker-helpers'
import type { MailStack } from '../../../resources/stack/test/mail-stack'
import type { StackEndpoints } from '../broker'
import { startApp, startMailStack, tempDataDir } from '../../../test/support/mail-stack'

let stack: MailStack
let endpoints: () => Promise<StackEndpoints>
const data = tempDataDir()
const ctx = {} as never

beforeAll(async () => {
  ;({ stack, endpoints } = await startMailStack())
})

afterAll(async () => {
  await stack?.stop()
  data.remove()
})

describe('delivery report of a bulk send', () => {
  it('1,000 rows (2 invalid): counts equal the catcher’s for the tag; CSV one line per row; survives a restart', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `r${i}@example.org,Name ${i}`)
    rows[10] = 'nope,Bad' // row 12
    rows[500] = ',Nobody' // row 502
    const csv = ['email,name', ...rows].join('\n')
    const name = `report-${Date.now().toString(36)}`
    const app = startApp(endpoints, data.dir, stack.catcher.baseUrl)
    let report: SendReport | undefined
    try {
      await waitFor(
        'the app to consume its queue',
        () => (app.manager.state.subscription.consuming ? true : undefined),
        30_000,
      )
      await app.channels['mail:bulk-start'](
        { csv, mapping: { to: 'email' }, template: { subject: 'Hi {{name}}', text: 'x' }, name },
        ctx,
      )
      await waitFor(
        'every row sent and caught',
        async () => {
          report = await app.channels['mail:send-report']({ name }, ctx)
          const { sent, caught } = report.counts
          return sent === 998 && caught === 998 ? true : undefined
        },
        60_000,
        500,
      )
      const tagged = await stack.catcher.search(`tag:"${name}"`)
      expect(report?.counts).toEqual({
        rows: 1000,
        skipped: 2,
        accepted: 998,
        sent: tagged.length,
        retried: 0,
        failed: 0,
        deadLettered: 0,
        pending: 0,
        caught: tagged.length,
      })
      const { csv: exported } = await app.channels['mail:send-report-csv']({ name }, ctx)
      const lines = Papa.parse<string[]>(exported.trim()).data
      expect(lines).toHaveLength(1 + 1000)
      expect(lines.slice(1).map((line) => Number(line[0]))).toEqual(rows.map((_, i) => i + 2))
      expect(lines[11]).toEqual([
        '12',
        'nope',
        '',
        'skipped',
        '0',
        'no',
        'to "nope": is not a valid email address',
      ])
      expect(lines[1]?.slice(0, 6)).toEqual([
        '2',
        'r0@example.org',
        `${name}-r2`,
        'sent',
        '0',
        'yes',
      ])
    } finally {
      await app.stop()
    }

    const restarted = startApp(endpoints, data.dir, stack.catcher.baseUrl)
    try {
      const again = await restarted.channels['mail:send-report']({ name }, ctx)
      expect(again.counts).toEqual(report?.counts)
    } finally {
      await restarted.stop()
    }
  })
})
