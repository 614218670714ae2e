import fc from 'fast-check'
import { z } from 'zod'

// Inputs for a contract schema: values shaped by its JSON Schema (valid-looking: right keys and
// types, random content) and mutations of them (a wrong type, an unknown key, a missing key, an
// oversized or control-character string), from a seeded generator so a failure replays.

type Schema = Record<string, unknown>

const HOSTILE_STRINGS = ['', '\u0000', 'a\r\nb', '\u001b]0;x\u0007', '\uD800', '../../etc/passwd']

export class SchemaFuzzer {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0 || 1
  }

  /** xorshift32: quick and repeatable. */
  next(): number {
    this.state ^= this.state << 13
    this.state ^= this.state >>> 17
    this.state ^= this.state << 5
    return (this.state >>> 0) / 0x1_0000_0000
  }

  int(max: number): number {
    return Math.floor(this.next() * max)
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T
  }

  string(min = 0, max = 24): string {
    const length = min + this.int(Math.max(1, Math.min(max, min + 24) - min + 1))
    const [text] = fc.sample(
      fc.string({ minLength: length, maxLength: length, unit: 'grapheme' }),
      {
        seed: this.int(2 ** 31),
        numRuns: 1,
      },
    )
    return (text ?? '').slice(0, max)
  }

  /** A value the JSON Schema describes, as well as a random walk finds one. */
  valid(schema: Schema, depth = 0): unknown {
    if (depth > 6) return null
    const choices = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined
    if (choices) return this.valid(this.pick(choices), depth + 1)
    if ('const' in schema) return schema.const
    if (Array.isArray(schema.enum)) return this.pick(schema.enum)
    const type = Array.isArray(schema.type) ? this.pick(schema.type as string[]) : schema.type
    switch (type) {
      case 'string':
        return this.string(Number(schema.minLength ?? 0), Number(schema.maxLength ?? 40))
      case 'integer':
      case 'number': {
        const min = Number(schema.minimum ?? 0)
        const max = Number(schema.maximum ?? min + 1000)
        return min + this.int(Math.max(1, Math.min(max - min, 1_000_000) + 1))
      }
      case 'boolean':
        return this.next() < 0.5
      case 'null':
        return null
      case 'array': {
        const items = (schema.items ?? {}) as Schema
        const count = Number(schema.minItems ?? 0) + this.int(3)
        return Array.from({ length: count }, () => this.valid(items, depth + 1))
      }
      case 'object': {
        const out: Record<string, unknown> = {}
        const properties = (schema.properties ?? {}) as Record<string, Schema>
        const required = new Set((schema.required ?? []) as string[])
        for (const [key, property] of Object.entries(properties)) {
          if (required.has(key) || this.next() < 0.5) out[key] = this.valid(property, depth + 1)
        }
        return out
      }
      default:
        return this.pick([null, 1, 'x', {}, []])
    }
  }

  /** A valid-looking value, broken in one place. */
  invalid(schema: Schema): unknown {
    const value = this.valid(schema)
    const mutation = this.int(6)
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.pick([{ x: value }, [value], 'x'.repeat(70_000), -1.5, true, null])
    }
    const record = { ...(value as Record<string, unknown>) }
    const keys = Object.keys(record)
    const key = keys.length > 0 ? this.pick(keys) : 'field'
    if (mutation === 0) record[`unknown_${this.int(100)}`] = 1
    else if (mutation === 1) delete record[key]
    else if (mutation === 2) record[key] = this.pick([{}, [], 1e308, -1, true])
    else if (mutation === 3) record[key] = 'y'.repeat(70_000)
    else if (mutation === 4) record[key] = this.pick(HOSTILE_STRINGS)
    else return this.pick([[record], JSON.stringify(record), 42])
    return record
  }
}

/** The JSON Schema of what a contract schema takes (the input side of transforms and defaults). */
export function inputSchema(schema: z.ZodType): Schema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
}
