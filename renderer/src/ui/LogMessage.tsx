import type { ReactNode } from 'react'
import type { LogLevel } from '../../../shared/contract'
import type { ReadableLine } from './log-line'
import classes from './LogMessage.module.css'

/** The level column: a fixed-width, coloured word (`WARN`). */
export function LevelTag({ level }: { level: LogLevel }) {
  return (
    <span className={`${classes.level} ${classes[level]}`} data-testid="log-level">
      {`${level.toUpperCase()} `}
    </span>
  )
}

/**
 * A line's message first, then the other keys of a structured line dimmed as `key=value`
 * (never cut). `render` draws each piece of text (ANSI colours, search marks).
 */
export function LogMessage({
  line,
  render = (text) => text,
}: {
  line: ReadableLine
  render?: (text: string) => ReactNode
}) {
  return (
    <>
      {render(line.message)}
      {line.fields.map(([key, value]) => (
        <span key={key} className={classes.field} data-testid="log-field">
          {' '}
          {key}={render(value)}
        </span>
      ))}
    </>
  )
}
