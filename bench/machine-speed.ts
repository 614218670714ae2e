// How fast this shared machine's cores run right now: a fixed piece of single-threaded JavaScript
// (the kind of work the stack's services do per email), timed. The same stack has taken twice the
// CPU per email in a slow spell of this machine as in a quiet one; beside goal 1's figures this
// one tells which spell a run met.

import { median } from './figures'

export const REFERENCE_WORK = 'JSON round trips of 200,000 email-like objects (one core)'

interface EmailLike {
  id: string
  to: string[]
  subject: string
  text: string
}

function roundTrips(emails: EmailLike[], rounds: number): number {
  let bytes = 0
  for (let round = 0; round < rounds; round += 1) {
    const text = JSON.stringify(emails)
    bytes += (JSON.parse(text) as EmailLike[]).length + text.length
  }
  return bytes
}

/** Milliseconds the reference work takes now: the median of 3 timings, after a warm-up. */
export function referenceWorkMs(): number {
  const emails = Array.from({ length: 1000 }, (_, i) => ({
    id: `reference-${i}`,
    to: [`reader${i}@example.com`],
    subject: `Reference ${i}`,
    text: 'x'.repeat(200),
  }))
  roundTrips(emails, 20)
  const timings = [0, 1, 2].map(() => {
    const started = performance.now()
    roundTrips(emails, 200)
    return performance.now() - started
  })
  return median(timings)
}
