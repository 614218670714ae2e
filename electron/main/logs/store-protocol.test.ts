import { describe, expect, it } from 'vitest'
import { MaildockError } from '../../../shared/contract'
import type { ContainerLine } from './rows'
import { carryError, packLines, restoreError, unpackLines } from './store-protocol'

describe('packLines', () => {
  it('gives back the same lines: any characters, empty texts and times, both streams', () => {
    const lines: ContainerLine[] = [
      { stream: 'stdout', time: '2025-01-01T10:00:00.123456789Z', text: '\uFEFFstarts with a BOM' },
      { stream: 'stderr', time: '', text: 'émoji 📨 and 中文, a tab\there' },
      { stream: 'stdout', time: '2025-01-01T10:00:01Z', text: '' },
      { stream: 'stderr', time: '2025-01-01T10:00:02Z', text: '{"level":"warn","msg":"ü"}' },
    ]
    const packed = packLines(lines)
    expect(packed.stderr).toEqual(new Uint8Array([0, 1, 0, 1]))
    expect(unpackLines(packed)).toEqual(lines)
    expect(unpackLines(packLines([]))).toEqual([])
  })
})

describe('carried errors', () => {
  it('keep a MaildockError’s code and details across the thread', () => {
    const error = restoreError(carryError(new MaildockError('NOT_FOUND', 'gone', { id: 1 })))
    expect(error).toBeInstanceOf(MaildockError)
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'gone', details: { id: 1 } })
    expect(restoreError(carryError(new Error('plain')))).not.toBeInstanceOf(MaildockError)
  })
})
