// Fuzzing the API over real loopback HTTP (issue #11): thousands of generated hostile requests,
// then the counts per status. No 5xx, no crash, nothing invalid published, /health still 200.
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emailRequestSchema, type EmailRequest } from '../../../../shared/messages'
import { hostileRequests, invalidAcceptedEmail } from '../../test/hostile-requests'
import { countBy, inBatches, sendRaw } from '../../test/raw-http'
import { buildServer } from './server'

const COUNT = Number(process.env.MAILDOCK_FUZZ_COUNT ?? 2_400)
const SEED = Number(process.env.MAILDOCK_FUZZ_SEED ?? Date.now() % 1_000_000)
const BODY_LIMIT = 1024 * 1024

const published: EmailRequest[] = []
const app = buildServer({
  log: pino({ level: 'silent' }),
  bodyLimitBytes: BODY_LIMIT,
  publishRequest: (request) => {
    published.push(request)
    return Promise.resolve()
  },
  health: () => ({ live: true, ready: true }),
})
let port = 0

beforeAll(async () => {
  await app.listen({ host: '127.0.0.1', port: 0 })
  port = (app.server.address() as AddressInfo).port
})

afterAll(async () => {
  await app.close()
})

describe('the API under generated hostile requests', () => {
  it(`answers ${COUNT}+ of them without a server error and publishes no invalid email`, async () => {
    const requests = hostileRequests(COUNT, SEED, `127.0.0.1:${port}`)
    expect(requests.length).toBeGreaterThanOrEqual(2_000)
    const outcomes = await inBatches(requests, 16, async (request) => ({
      kind: request.kind,
      // A declared length larger than the body leaves the server waiting for the rest.
      outcome: await sendRaw(port, request, request.kind === 'lying Content-Length' ? 400 : 15_000),
    }))
    const byStatus = countBy(outcomes, (o) => String(o.outcome))
    console.log(`API fuzz (seed ${SEED}, ${requests.length} requests), answers:`, byStatus)
    console.log(
      'by kind:',
      countBy(outcomes, (o) => `${o.kind} -> ${String(o.outcome)}`),
    )

    const serverErrors = outcomes.filter((o) => typeof o.outcome === 'number' && o.outcome >= 500)
    expect(serverErrors, `seed ${SEED}`).toEqual([])
    expect(outcomes.filter((o) => o.outcome === 'refused')).toEqual([])
    // Only a lying (too large) Content-Length or a dropped upload may go unanswered.
    const unanswered = outcomes.filter(
      (o) =>
        o.outcome === 'no-answer' &&
        o.kind !== 'lying Content-Length' &&
        o.kind !== 'dropped mid-body',
    )
    expect(unanswered, `seed ${SEED}`).toEqual([])

    const invalid = published.flatMap((email) => {
      const problem = emailRequestSchema.safeParse(email).success
        ? invalidAcceptedEmail(email)
        : 'fails the wire schema'
      return problem === null ? [] : [{ problem, email }]
    })
    expect(invalid, `seed ${SEED}`).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()

    const health = await fetch(`http://127.0.0.1:${port}/health`)
    expect(health.status).toBe(200)
  }, 180_000)
})
