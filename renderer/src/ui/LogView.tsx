import { useEffect, useRef } from 'react'
import { Box, Text } from '@mantine/core'
import { useVirtualizer } from '@tanstack/react-virtual'
import { readableLine } from './log-line'
import { formatLogTime, type ViewLine } from './log-window'
import { LevelTag, LogMessage } from './LogMessage'
import { useWrapLines } from './useWrapLines'
import classes from './LogView.module.css'

const LINE_HEIGHT = 18
const VIRTUALIZE_ABOVE = 300

function Line({ line, showTime }: { line: ViewLine; showTime: boolean }) {
  if (line.kind === 'skip')
    return (
      <div className={classes.skip} data-testid="log-skip">
        — {line.text} —
      </div>
    )
  const readable = readableLine(line.text)
  return (
    <div className={line.stream === 'stderr' ? classes.stderr : classes.line}>
      {showTime && line.time && <span className={classes.time}>{formatLogTime(line.time)} </span>}
      {readable.level && <LevelTag level={readable.level} />}
      <LogMessage line={readable} />
    </div>
  )
}

/**
 * A monospace log pane over a bounded window of lines. While `follow` is on it sticks to the
 * bottom; scrolling up turns follow off, scrolling back to the bottom turns it on again.
 */
export function LogView({
  lines,
  follow,
  onFollowChange,
  showTime = true,
  height = 420,
  label,
  emptyText = 'No output yet.',
  wrap: wrapProp,
}: {
  lines: ViewLine[]
  follow: boolean
  onFollowChange?: (follow: boolean) => void
  showTime?: boolean
  height?: number | string
  label: string
  emptyText?: string
  /** Wrap long lines; by default the user's choice (the log toolbar's "Wrap lines"). */
  wrap?: boolean
}) {
  const [wrapChoice] = useWrapLines()
  const wrap = wrapProp ?? wrapChoice
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtual = lines.length > VIRTUALIZE_ABOVE
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_HEIGHT,
    overscan: 30,
    enabled: virtual,
    getItemKey: (index) => lines[index]?.seq ?? index,
  })

  const last = lines.at(-1)?.seq
  useEffect(() => {
    const element = scrollRef.current
    if (follow && element) element.scrollTop = element.scrollHeight
  }, [follow, last, virtual])

  const onScroll = () => {
    const element = scrollRef.current
    if (!element || !onFollowChange) return
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < LINE_HEIGHT
    if (atBottom !== follow) onFollowChange(atBottom)
  }

  return (
    <Box
      ref={scrollRef}
      className={`${classes.pane} ${wrap ? classes.wrap : ''}`}
      style={{ height }}
      data-wrap={wrap}
      onScroll={onScroll}
      role="log"
      aria-label={label}
      tabIndex={0}
    >
      {lines.length === 0 ? (
        <Text size="xs" c="dimmed" p="xs">
          {emptyText}
        </Text>
      ) : virtual ? (
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => (
            <div
              key={item.key}
              // Wrapped rows differ in height: each is measured once it is laid out.
              ref={wrap ? virtualizer.measureElement : undefined}
              data-index={item.index}
              style={{ position: 'absolute', top: item.start, left: 0, right: 0 }}
            >
              <Line line={lines[item.index]!} showTime={showTime} />
            </div>
          ))}
        </div>
      ) : (
        lines.map((line) => <Line key={line.seq} line={line} showTime={showTime} />)
      )}
    </Box>
  )
}
