import { StringDecoder } from 'node:string_decoder'

/**
 * Parses the engine's JSON-per-line streams (events, stats, pull and build progress), whose
 * chunks may hold several objects or end in the middle of one.
 */
export class JsonLines<T> {
  private readonly decoder = new StringDecoder('utf8')
  private rest = ''

  constructor(
    private readonly onObject: (value: T) => void,
    private readonly onGarbage: (line: string) => void = () => undefined,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk))
    const lines = text.split('\n')
    this.rest = lines.pop() ?? ''
    for (const line of lines) this.parse(line)
  }

  end(): void {
    const last = this.rest + this.decoder.end()
    this.rest = ''
    this.parse(last)
  }

  private parse(line: string): void {
    const trimmed = line.trim()
    if (!trimmed) return
    let value: T
    try {
      value = JSON.parse(trimmed) as T
    } catch {
      this.onGarbage(trimmed)
      return
    }
    this.onObject(value)
  }
}
