import { memo, type CSSProperties, type ReactNode } from 'react'
import Anser from 'anser'
import type { Matcher } from './highlight'
import classes from './Tail.module.css'

interface Styled {
  text: string
  style: CSSProperties | undefined
}

function styleOf(entry: Anser.AnserJsonEntry): CSSProperties | undefined {
  const style: CSSProperties = {}
  if (entry.fg) style.color = `rgb(${entry.fg})`
  if (entry.bg) style.backgroundColor = `rgb(${entry.bg})`
  if (entry.decorations.includes('bold')) style.fontWeight = 700
  if (entry.decorations.includes('italic')) style.fontStyle = 'italic'
  if (entry.decorations.includes('underline')) style.textDecoration = 'underline'
  if (entry.decorations.includes('dim')) style.opacity = 0.7
  return Object.keys(style).length > 0 ? style : undefined
}

/** ANSI colour runs of a line (no HTML is built: React elements only, fine under the CSP). */
function ansiRuns(text: string): Styled[] {
  // eslint-disable-next-line no-control-regex -- only lines with an escape need parsing
  if (!/\u001b/.test(text)) return [{ text, style: undefined }]
  return Anser.ansiToJson(text, { json: true, remove_empty: true }).map((entry) => ({
    text: entry.content,
    style: styleOf(entry),
  }))
}

/** A log line with its ANSI colours rendered and the search matches highlighted. */
export const AnsiText = memo(function AnsiText({
  text,
  matcher,
}: {
  text: string
  matcher: Matcher | null
}) {
  const runs = ansiRuns(text)
  // A plain line with nothing to mark is its text alone (no element).
  if (!matcher && runs.length === 1 && runs[0]!.style === undefined) return <>{text}</>
  const plain = runs.map((run) => run.text).join('')
  const ranges = matcher ? matcher.ranges(plain) : []
  const out: ReactNode[] = []
  let offset = 0
  let rangeIndex = 0
  runs.forEach((run, runIndex) => {
    const start = offset
    const end = offset + run.text.length
    let at = start
    while (at < end) {
      const range = ranges[rangeIndex]
      if (!range || range[0] >= end) {
        out.push(
          <span key={`${runIndex}-${at}`} style={run.style}>
            {plain.slice(at, end)}
          </span>,
        )
        at = end
      } else if (range[0] > at) {
        out.push(
          <span key={`${runIndex}-${at}`} style={run.style}>
            {plain.slice(at, range[0])}
          </span>,
        )
        at = range[0]
      } else {
        const stop = Math.min(range[1], end)
        out.push(
          <mark key={`${runIndex}-${at}`} className={classes.hit} style={run.style}>
            {plain.slice(at, stop)}
          </mark>,
        )
        at = stop
        if (stop >= range[1]) rangeIndex += 1
      }
    }
    offset = end
  })
  return <>{out}</>
})
