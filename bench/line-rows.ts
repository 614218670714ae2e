// The container lines the log benchmarks store: row i of a stack service, `stepMs` after row i-1.
import { rowFromContainerLine, type LogRow } from '../electron/main/logs/rows'

const SERVICES = ['api', 'emailer', 'logger', 'broker']

export function lineRow(i: number, start: number, stepMs: number): LogRow {
  const service = SERVICES[i % SERVICES.length]!
  return rowFromContainerLine(
    { id: `c-${service}`, name: `stack-${service}-1`, service },
    {
      stream: 'stdout',
      time: new Date(start + i * stepMs).toISOString(),
      text: `INFO delivered message id=msg-${i} to reader${i % 1000}@example.com via relay${i % 7}`,
    },
  )
}
