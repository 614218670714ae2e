import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import { Button, Center, Loader, Text } from '@mantine/core'
import { IconArrowDown } from '@tabler/icons-react'
import { useVirtualizer, type VirtualizerOptions } from '@tanstack/react-virtual'
import type { TailLine } from '../../../../shared/contract'
import { FollowRows, LINE_HEIGHT, VirtualRows, type RowOptions } from './TailRows'
import classes from './Tail.module.css'

/** Rows drawn beyond the pane's height, above (following) or on both sides (paused). */
const OVERSCAN = 8

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

/** The pane's height in px, from a ResizeObserver (no layout read); the window's until then. */
function usePaneHeight(pane: RefObject<HTMLDivElement | null>, onResize: () => void) {
  const [height, setHeight] = useState(() => window.innerHeight)
  const resized = useRef(onResize)
  useEffect(() => {
    resized.current = onResize
  })
  useEffect(() => {
    const element = pane.current
    if (!element) return
    const observer = new ResizeObserver(([entry]) => {
      const size = entry?.contentBoxSize?.[0]?.blockSize
      if (size) setHeight(Math.ceil(size))
      resized.current()
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [pane])
  return height
}

/**
 * The scroll handling: while following the pane sticks to the bottom (one write per new batch,
 * no virtualizer); a user scroll up pauses, back at the bottom resumes, at the top asks for older
 * lines. The virtualizer only runs while paused, when the window does not change per batch.
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
  const getItemKey = useCallback((index: number) => lines[index]?.key ?? index, [lines])
  const virtualizer = useVirtualizer({
    enabled: !following,
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_HEIGHT,
    overscan: OVERSCAN,
    getItemKey,
    measureElement: measureRow,
  })
  const toBottom = (): void => {
    const element = scrollRef.current
    if (following && element) element.scrollTop = element.scrollHeight
  }
  const paneHeight = usePaneHeight(scrollRef, toBottom)

  const lastKey = lines.at(-1)?.key
  useLayoutEffect(() => {
    const element = scrollRef.current
    if (following && element) element.scrollTop = element.scrollHeight
  }, [following, lastKey, lines.length])

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
  const followCount = Math.ceil(paneHeight / LINE_HEIGHT) + OVERSCAN
  return { scrollRef, virtualizer, followCount, markUser, onScroll }
}

/** The pane: while following the last lines, while paused a virtualized view of the window. */
export function TailList(props: TailListProps) {
  const { lines, options, following, newLines, height, onResume, loadingOlder } = props
  const emptyText = props.emptyText ?? 'No lines yet.'
  const { scrollRef, virtualizer, followCount, markUser, onScroll } = useTailScroll(props)

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
        {following ? (
          <FollowRows lines={lines} options={options} count={followCount} />
        ) : (
          <VirtualRows lines={lines} options={options} virtualizer={virtualizer} />
        )}
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
