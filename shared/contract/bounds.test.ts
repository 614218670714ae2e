import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { channels, events } from '.'

type JsonSchema = {
  type?: string
  properties?: Record<string, JsonSchema>
  additionalProperties?: boolean | JsonSchema
  propertyNames?: JsonSchema
  maxProperties?: number
  maxLength?: number
  pattern?: string
  maxItems?: number
  enum?: unknown[]
  const?: unknown
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
}

/** Every object strict, every string, array and record with an upper bound. */
function unbounded(node: JsonSchema, path: string): string[] {
  const nested = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]
  const problems = nested.flatMap((child) => unbounded(child, path))
  if (node.type === 'object') {
    const extra = node.additionalProperties
    if (typeof extra === 'object') {
      if (node.maxProperties === undefined) problems.push(`${path}: record without a size bound`)
      problems.push(...unbounded(extra, `${path}.*`))
      if (node.propertyNames) problems.push(...unbounded(node.propertyNames, `${path}.<key>`))
    } else if (extra !== false) problems.push(`${path}: object is not strict`)
    for (const [key, child] of Object.entries(node.properties ?? {}))
      problems.push(...unbounded(child, `${path}.${key}`))
  }
  // A pattern anchored on a bounded repeat (`^[a-z]{1,128}$`) bounds the length too.
  const boundedPattern = /\{\d+,\d+\}\$$/.test(node.pattern ?? '')
  if (
    node.type === 'string' &&
    node.maxLength === undefined &&
    !node.enum &&
    node.const === undefined &&
    !boundedPattern
  )
    problems.push(`${path}: string without maxLength`)
  if (node.type === 'array') {
    if (node.maxItems === undefined) problems.push(`${path}: array without maxItems`)
    if (node.items) problems.push(...unbounded(node.items, `${path}[]`))
  }
  return problems
}

describe('contract inputs', () => {
  it('are strict objects whose strings, arrays and records all have an upper bound', () => {
    const problems = Object.entries({ ...channels, ...events }).flatMap(([name, def]) =>
      unbounded(
        z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' }) as JsonSchema,
        name,
      ),
    )
    expect(problems).toEqual([])
  })
})
