import { describe, expect, it } from 'vitest'
import type { LogLine } from '../../../shared/contract'
import { LogLineAssembler } from './log-lines'

const T1 = '2026-01-02T03:04:05.123456789Z'
const T2 = '2026-01-02T03:04:06.000000001Z'
const frame = (time: string, bytes: Buffer | string) =>
  Buffer.concat([Buffer.from(`${time} `), Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)])

function collect() {
  const lines: LogLine[] = []
  const assembler = new LogLineAssembler('stdout', (line) => lines.push(line))
  return { lines, assembler }
}

describe('LogLineAssembler (frames)', () => {
  it('reads one line per frame with its timestamp', () => {
    const { lines, assembler } = collect()
    assembler.frame(frame(T1, 'hello\n'))
    assembler.frame(frame(T2, 'world\r\n'))
    expect(lines).toEqual([
      { stream: 'stdout', time: T1, text: 'hello' },
      { stream: 'stdout', time: T2, text: 'world' },
    ])
  })

  it('joins a long line the engine cut into frames, at every byte split of multi-byte text', () => {
    const text = 'café €uro 😀 ünïcødé 漢字'
    const bytes = Buffer.from(`${text}\n`)
    for (let cut = 1; cut < bytes.length - 1; cut++) {
      const { lines, assembler } = collect()
      // Partial messages of one line share the timestamp; only the last ends with a newline.
      assembler.frame(frame(T1, bytes.subarray(0, cut)))
      assembler.frame(frame(T1, bytes.subarray(cut)))
      expect(lines).toEqual([{ stream: 'stdout', time: T1, text }])
    }
  })

  it('joins three partial frames with splits inside characters', () => {
    const { lines, assembler } = collect()
    const bytes = Buffer.from(`${'€'.repeat(10)}\n`) // 3 bytes each
    assembler.frame(frame(T1, bytes.subarray(0, 7)))
    assembler.frame(frame(T1, bytes.subarray(7, 20)))
    assembler.frame(frame(T1, bytes.subarray(20)))
    expect(lines.map((l) => l.text)).toEqual(['€'.repeat(10)])
  })

  it('treats a frame with a new timestamp as a new line even if the last lacked a newline', () => {
    const { lines, assembler } = collect()
    assembler.frame(frame(T1, 'no newline at the end'))
    assembler.frame(frame(T2, 'next\n'))
    expect(lines).toEqual([
      { stream: 'stdout', time: T1, text: 'no newline at the end' },
      { stream: 'stdout', time: T2, text: 'next' },
    ])
  })

  it('keeps empty lines and several lines in one frame', () => {
    const { lines, assembler } = collect()
    assembler.frame(frame(T1, 'a\n\nb\n'))
    expect(lines.map((l) => l.text)).toEqual(['a', '', 'b'])
  })

  it('emits an unfinished last line when the stream ends', () => {
    const { lines, assembler } = collect()
    assembler.frame(frame(T1, Buffer.from('tail é').subarray(0, 6)))
    assembler.end()
    expect(lines).toEqual([{ stream: 'stdout', time: T1, text: 'tail \uFFFD' }])
  })

  it('keeps a frame without a timestamp whole', () => {
    const { lines, assembler } = collect()
    assembler.frame(Buffer.from('plain text\n'))
    expect(lines).toEqual([{ stream: 'stdout', time: '', text: 'plain text' }])
  })
})

describe('LogLineAssembler (TTY byte stream)', () => {
  it('splits lines across arbitrary chunk boundaries, multi-byte characters included', () => {
    const input = Buffer.from(`${T1} añø 😀\r\n${T2} second\r\n${T2} third`)
    for (let cut = 1; cut < input.length; cut += 3) {
      const { lines, assembler } = collect()
      assembler.chunk(input.subarray(0, cut))
      assembler.chunk(input.subarray(cut))
      assembler.end()
      expect(lines).toEqual([
        { stream: 'stdout', time: T1, text: 'añø 😀' },
        { stream: 'stdout', time: T2, text: 'second' },
        { stream: 'stdout', time: T2, text: 'third' },
      ])
    }
  })
})
