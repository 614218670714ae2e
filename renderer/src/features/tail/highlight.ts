import { errorMessage } from '../../ui/notify'

/** What the Tail's search box matches: plain text (case-insensitive) or a regular expression. */
export interface Matcher {
  /** [start, end) of each match in `text`. */
  ranges(text: string): Array<[number, number]>
  test(text: string): boolean
}

export type MatcherResult = { matcher: Matcher | null; error: string | null }

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function buildMatcher(search: string, regex: boolean): MatcherResult {
  if (search === '') return { matcher: null, error: null }
  let pattern: RegExp
  try {
    pattern = new RegExp(regex ? search : escape(search), 'gi')
  } catch (error) {
    return { matcher: null, error: errorMessage(error) }
  }
  return {
    error: null,
    matcher: {
      ranges(text) {
        const found: Array<[number, number]> = []
        pattern.lastIndex = 0
        for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
          if (match[0] === '') {
            pattern.lastIndex += 1
            continue
          }
          found.push([match.index, match.index + match[0].length])
          if (found.length > 200) break
        }
        return found
      },
      test(text) {
        pattern.lastIndex = 0
        return pattern.test(text)
      },
    },
  }
}

export interface Segment {
  text: string
  hit: boolean
}

/** Cuts `text` at the match ranges. */
export function splitByRanges(text: string, ranges: Array<[number, number]>): Segment[] {
  const segments: Segment[] = []
  let at = 0
  for (const [start, end] of ranges) {
    if (start > at) segments.push({ text: text.slice(at, start), hit: false })
    segments.push({ text: text.slice(start, end), hit: true })
    at = end
  }
  if (at < text.length) segments.push({ text: text.slice(at), hit: false })
  return segments
}
