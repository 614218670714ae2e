import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { buildSendReport, sendReportCsv, sendReportFilename } from './send-report'
import type { EmailOutcome, SendRecord } from './send-ledger'

const record: SendRecord = {
  name: 'news',
  kind: 'bulk',
  createdAt: 1,
  rows: [
    { row: 2, to: 'a@x.org', emailId: 'news-r2', status: 'accepted', error: null },
    { row: 3, to: 'bad', emailId: null, status: 'invalid', error: 'to "bad": is not valid' },
    { row: 4, to: 'c@x.org', emailId: 'news-r4', status: 'accepted', error: null },
    { row: 5, to: 'd@x.org', emailId: 'news-r5', status: 'accepted', error: null },
    { row: 6, to: 'e@x.org', emailId: 'news-r6', status: 'accepted', error: null },
    { row: 7, to: 'f@x.org', emailId: 'news-r7', status: 'failed', error: 'API refused' },
    { row: 8, to: '=cmd()@x.org', emailId: null, status: 'pending', error: null },
  ],
}

const outcome = (over: Partial<EmailOutcome>): EmailOutcome => ({
  sent: false,
  retries: 0,
  failed: false,
  deadLettered: false,
  detail: null,
  ...over,
})

const outcomes = new Map<string, EmailOutcome>([
  ['news-r2', outcome({ sent: true, detail: '250 OK' })],
  ['news-r4', outcome({ retries: 2, sent: true, detail: '250 OK' })],
  ['news-r5', outcome({ retries: 2, failed: true, deadLettered: true, detail: '550 no' })],
  // news-r6: accepted, no event yet
])

describe('send report', () => {
  it('counts each row by its outcome, retries apart, caught from the catcher ids', () => {
    const report = buildSendReport(record, outcomes, { ids: new Set(['news-r2', 'news-r4']) })
    expect(report.counts).toEqual({
      rows: 7,
      skipped: 1,
      accepted: 4,
      sent: 2,
      retried: 2,
      failed: 1,
      deadLettered: 1,
      pending: 2,
      caught: 2,
    })
    expect(report.rows.map((row) => [row.row, row.outcome, row.caught])).toEqual([
      [2, 'sent', true],
      [3, 'skipped', false],
      [4, 'sent', true],
      [5, 'dead-lettered', false],
      [6, 'accepted', false],
      [7, 'failed', false],
      [8, 'pending', false],
    ])
    expect(report.rows[1]?.detail).toBe('to "bad": is not valid')
    expect(report.rows[3]?.detail).toBe('550 no')
    expect(report.caughtNote).toBeNull()
  })

  it('says why caught is unknown when there is no catcher', () => {
    const report = buildSendReport(record, outcomes, { note: 'relay stack' })
    expect(report.counts.caught).toBeNull()
    expect(report.caughtNote).toBe('relay stack')
    expect(report.rows.every((row) => row.caught === null)).toBe(true)
  })

  it('exports one CSV line per input row, quoting and defusing formulas', () => {
    const report = buildSendReport(record, outcomes, { ids: new Set(['news-r2']) })
    const csv = sendReportCsv(report)
    const parsed = Papa.parse<string[]>(csv.trim()).data
    expect(parsed[0]).toEqual(['row', 'to', 'email_id', 'outcome', 'retries', 'caught', 'detail'])
    expect(parsed).toHaveLength(1 + record.rows.length)
    expect(parsed[1]).toEqual(['2', 'a@x.org', 'news-r2', 'sent', '0', 'yes', '250 OK'])
    expect(parsed[2]).toEqual(['3', 'bad', '', 'skipped', '0', 'no', 'to "bad": is not valid'])
    expect(parsed[7]?.[1]).toBe("'=cmd()@x.org")
    expect(sendReportFilename('Spring news/2026')).toBe('Spring_news_2026-report.csv')
  })
})
