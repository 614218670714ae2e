import { memo, useLayoutEffect, useRef } from 'react'
import { Button, Center, Loader, Text } from '@mantine/core'
import { IconArrowDown } from '@tabler/icons-react'
import { useVirtualizer, type VirtualizerOptions } from '@tanstack/react-virtual'
import type { TailLine } from '../../../../shared/contract'
import { formatClock, prettyJson } from '../../ui/format'
import { readableLine } from '../../ui/log-line'
import { LevelTag, LogMessage } from '../../ui/LogMessage'
import { AnsiText } from './AnsiText'
import type { Matcher } from './highlight'
import { serviceColor } from './service-colors'
import classes from './Tail.module.css'

const LINE_HEIGHT = 18

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
      {options.showTime && <span className={classes.time}>{formatClock(line.ts)} </span>}
      {options.showService && (
        <span
          className={classes.service}
          style={{ color: `var(--mantine-color-${serviceColor(line.service)}-text)` }}
        >
          {line.service} │{' '}
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
      : ''

interface TailListProps {
  lines: TailLine[]
  options: RowOptions
  following: boolean
  newLines: number
  height: string | number
  onPause: () => void
  onResume: () => void
  onNearTop: () => Promise<number>
  loadingOlder: boolean
  /** Said when no line is shown: nothing arrived yet, or a filter hides every line. */
  emptyText?: string
}

/**
 * A row's height from its ResizeObserver entry, which comes after layout in the same frame. A
 * row just mounted is not read (that would force a layout per render): it takes its last known
 * height, or one line until its entry comes.
 */
const measureRow: VirtualizerOptions<HTMLDivElement, Element>['measureElement'] = (
  element,
  entry,
  instance,
) => {
  const box = entry?.borderBoxSize?.[0]
  if (box) return Math.round(box.blockSize)
  if (entry) return (element as HTMLElement).offsetHeight
  const key = instance.options.getItemKey(instance.indexFromElement(element))
  return instance.itemSizeCache.get(key) ?? LINE_HEIGHT
}

/**
 * The virtualizer over `lines` and the scroll handling: while following it sticks to the bottom;
 * a user scroll up pauses, back at the bottom resumes, at the top asks for older lines.
 */
function useTailScroll({
  lines,
  following,
  onPause,
  onResume,
  onNearTop,
  loadingOlder,
}: Pick<
  TailListProps,
  'lines' | 'following' | 'onPause' | 'onResume' | 'onNearTop' | 'loadingOlder'
>) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const userScroll = useRef(0)
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_HEIGHT,
    overscan: 8,
    getItemKey: (index) => lines[index]?.key ?? index,
    measureElement: measureRow,
  })

  const lastKey = lines.at(-1)?.key
  useLayoutEffect(() => {
    if (following && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' })
  }, [following, lastKey, lines.length, virtualizer])

  const markUser = (): void => {
    userScroll.current = Date.now()
  }
  const onScroll = (): void => {
    const element = scrollRef.current
    if (!element || Date.now() - userScroll.current > 400) return
    const fromBottom = element.scrollHeight - element.scrollTop - element.clientHeight
    if (fromBottom > LINE_HEIGHT * 2 && following) onPause()
    else if (fromBottom <= LINE_HEIGHT && !following) onResume()
    if (element.scrollTop < LINE_HEIGHT * 3 && !following && !loadingOlder) {
      void onNearTop().then((added) => {
        if (added > 0) virtualizer.scrollToIndex(added, { align: 'start' })
      })
    }
  }
  return { scrollRef, virtualizer, markUser, onScroll }
}

/** A virtualized pane over the window: only the rows in view are in the DOM. */
export function TailList(props: TailListProps) {
  const { lines, options, following, newLines, height, onResume, loadingOlder } = props
  const emptyText = props.emptyText ?? 'No lines yet.'
  const { scrollRef, virtualizer, markUser, onScroll } = useTailScroll(props)

  return (
    <div style={{ position: 'relative' }}>
      <div
        ref={scrollRef}
        className={classes.pane}
        style={{ height }}
        onScroll={onScroll}
        onWheel={markUser}
        onPointerDown={markUser}
        onKeyDown={markUser}
        onTouchStart={markUser}
        tabIndex={0}
        role="log"
        aria-label="Log lines"
        aria-live="off"
        data-testid="tail-list"
      >
        {loadingOlder && (
          <Center py={4}>
            <Loader size="xs" />
          </Center>
        )}
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
                className={`${classes.row} ${options.wrap ? classes.wrap : ''} ${toneOf(line)}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <Row line={line} options={options} />
              </div>
            )
          })}
        </div>
      </div>
      {!following && (
        <Button
          className={classes.newLines}
          size="xs"
          radius="xl"
          leftSection={<IconArrowDown size={14} />}
          onClick={onResume}
          data-testid="tail-new-lines"
        >
          {newLines > 0 ? `${newLines.toLocaleString()} new lines` : 'Back to live'}
        </Button>
      )}
      {lines.length === 0 && (
        <Text
          size="sm"
          c="dimmed"
          ta="center"
          style={{ position: 'absolute', top: 40, width: '100%' }}
          data-testid="tail-empty"
        >
          {emptyText}
        </Text>
      )}
    </div>
  )
}
