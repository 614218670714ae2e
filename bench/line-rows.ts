// The container lines the log benchmarks store: row i of a stack service, `stepMs` after row i-1.
import {
  rowFromContainerLine,
  type ContainerLine,
  type ContainerRef,
  type LogRow,
} from '../electron/main/logs/rows'

const SERVICES = ['api', 'emailer', 'logger', 'broker']

/** Line i as its container printed it. */
export function benchLine(
  i: number,
  start: number,
  stepMs: number,
): { ref: ContainerRef; line: ContainerLine } {
  const service = SERVICES[i % SERVICES.length]!
  return {
    ref: { id: `c-${service}`, name: `stack-${service}-1`, service },
    line: {
      stream: 'stdout',
      time: new Date(start + i * stepMs).toISOString(),
      text: `INFO delivered message id=msg-${i} to reader${i % 1000}@example.com via relay${i % 7}`,
    },
  }
}

export function lineRow(i: number, start: number, stepMs: number): LogRow {
  const { ref, line } = benchLine(i, start, stepMs)
  return rowFromContainerLine(ref, line)
}
