import type { ReactNode } from 'react'

/** A word of a full-text query as the store matches it: whole, or as the start of a word (`ab*`). */
export interface SearchTerm {
  word: string
  prefix: boolean
}

const OPERATORS = new Set(['AND', 'OR', 'NOT', 'NEAR'])
const TOKEN = /[\p{L}\p{N}]+/gu

/**
 * The words a full-text query looks for (the store's tokens: letters and digits), without its
 * operators and without the words it excludes (`NOT word`).
 */
export function fullTextTerms(query: string): SearchTerm[] {
  const terms = new Map<string, SearchTerm>()
  let excluded = false
  for (const raw of query.split(/\s+/)) {
    const bare = raw.replace(/^[("]+|[)"*]+$/g, '')
    if (OPERATORS.has(bare)) {
      excluded = bare === 'NOT'
      continue
    }
    if (!excluded) {
      for (const match of raw.matchAll(TOKEN)) {
        const word = match[0].toLowerCase()
        const prefix = raw[match.index + match[0].length] === '*'
        const known = terms.get(word)
        terms.set(word, { word, prefix: prefix || (known?.prefix ?? false) })
      }
    }
    if (!raw.startsWith('"') || raw.endsWith('"')) excluded = false
  }
  return [...terms.values()]
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** One pattern for all terms: each where a word starts, and (unless a prefix) where it ends. */
export function termPattern(terms: readonly SearchTerm[]): RegExp | null {
  if (terms.length === 0) return null
  const alternatives = [...terms]
    .sort((a, b) => b.word.length - a.word.length)
    .map((term) => `${escape(term.word)}${term.prefix ? '' : '(?![\\p{L}\\p{N}])'}`)
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})`, 'giu')
}

/**
 * `text` with every match of `pattern` in a `<mark>`. Only React text nodes are built, so markup
 * in a log line stays text.
 */
export function markMatches(text: string, pattern: RegExp | null): ReactNode {
  if (pattern === null || text === '') return text
  const out: ReactNode[] = []
  let at = 0
  for (const match of text.matchAll(pattern)) {
    if (match[0] === '') continue
    if (match.index > at) out.push(text.slice(at, match.index))
    out.push(<mark key={match.index}>{match[0]}</mark>)
    at = match.index + match[0].length
  }
  if (out.length === 0) return text
  if (at < text.length) out.push(text.slice(at))
  return out
}
