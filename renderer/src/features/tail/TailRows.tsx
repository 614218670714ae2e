import { memo } from 'react'
import type { Virtualizer } from '@tanstack/react-virtual'
import type { TailLine } from '../../../../shared/contract'
import { formatClock, prettyJson } from '../../ui/format'
import { readableLine } from '../../ui/log-line'
import { LevelTag, LogMessage } from '../../ui/LogMessage'
import { AnsiText } from './AnsiText'
import type { Matcher } from './highlight'
import { serviceColor } from './service-colors'
import classes from './Tail.module.css'

/** A one-line row's height in px (the pane's line-height). */
export const LINE_HEIGHT = 18

export interface RowOptions {
  showTime: boolean
  showService: boolean
  pretty: boolean
  /** Long lines wrap (rows are then measured) instead of running off the right edge. */
  wrap: boolean
  matcher: Matcher | null
}

const Row = memo(function Row({ line, options }: { line: TailLine; options: RowOptions }) {
  const pretty = options.pretty ? prettyJson(line.text) : null
  const readable = pretty === null ? readableLine(line.text) : null
  return (
    <>
      {options.showTime && <span className={classes.time}>{`${formatClock(line.ts)} `}</span>}
      {options.showService && (
        <span
          className={classes.service}
          style={{ color: `var(--mantine-color-${serviceColor(line.service)}-text)` }}
        >
          {`${line.service} │ `}
        </span>
      )}
      <LevelTag level={readable?.level ?? line.level} />
      {readable ? (
        <LogMessage
          line={readable}
          render={(text) => <AnsiText text={text} matcher={options.matcher} />}
        />
      ) : (
        <span className={classes.pretty}>
          <AnsiText text={pretty!} matcher={options.matcher} />
        </span>
      )}
    </>
  )
})

const toneOf = (line: TailLine): string | undefined =>
  line.level === 'warn'
    ? classes.warn
    : line.level === 'error' || line.level === 'fatal'
      ? classes.error
      : undefined

const rowClass = (line: TailLine, options: RowOptions, placed: boolean): string =>
  [classes.row, placed ? classes.placed : '', options.wrap ? classes.wrap : '', toneOf(line)]
    .filter(Boolean)
    .join(' ')

/**
 * While following, the view sits at the bottom: only the last `count` lines are drawn, in the
 * normal flow under a spacer that stands for the lines above (one line each). The work per new
 * batch is the same for a window of 20 or 20,000 lines: nothing is measured, nothing positioned.
 */
export function FollowRows({
  lines,
  options,
  count,
}: {
  lines: TailLine[]
  options: RowOptions
  count: number
}) {
  const from = Math.max(0, lines.length - count)
  const shown = from === 0 ? lines : lines.slice(from)
  return (
    <>
      <div style={{ height: from * LINE_HEIGHT }} />
      {shown.map((line, i) => (
        <div
          // Keyed by place, not by line: a batch that replaces every row on screen updates the
          // rows' text in place instead of unmounting and mounting them all.
          key={i}
          data-index={from + i}
          data-testid="tail-line"
          className={rowClass(line, options, false)}
        >
          <Row line={line} options={options} />
        </div>
      ))}
    </>
  )
}

/** Paused (the window no longer changes): the virtualizer's rows, wherever the user scrolled. */
export function VirtualRows({
  lines,
  options,
  virtualizer,
}: {
  lines: TailLine[]
  options: RowOptions
  virtualizer: Virtualizer<HTMLDivElement, Element>
}) {
  return (
    <div style={{ height: virtualizer.getTotalSize(), width: '100%', position: 'relative' }}>
      {virtualizer.getVirtualItems().map((item) => {
        const line = lines[item.index]
        if (!line) return null
        return (
          <div
            key={item.key}
            // One-line rows are not measured (no layout reads); wrapped or pretty ones are.
            ref={options.pretty || options.wrap ? virtualizer.measureElement : undefined}
            data-index={item.index}
            data-testid="tail-line"
            className={rowClass(line, options, true)}
            style={{ transform: `translateY(${item.start}px)` }}
          >
            <Row line={line} options={options} />
          </div>
        )
      })}
    </div>
  )
}
