import { useEffect, useRef } from 'react'
import { Badge, Group, Text, UnstyledButton } from '@mantine/core'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { MailboxSummary } from '../../../../shared/contract'

const ROW_HEIGHT = 58

/** Received messages, newest first, virtualised: only the rows in view are in the DOM. */
export function MessageList({
  messages,
  selected,
  onSelect,
  more,
  onMore,
}: {
  messages: MailboxSummary[]
  selected: string | undefined
  onSelect: (id: string) => void
  more: boolean
  onMore: () => void
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => messages[index]?.id ?? index,
    initialRect: { width: 400, height: 600 },
  })
  const items = virtualizer.getVirtualItems()
  const lastIndex = items[items.length - 1]?.index ?? -1
  useEffect(() => {
    if (more && lastIndex >= messages.length - 20) onMore()
  }, [more, lastIndex, messages.length, onMore])

  return (
    <div ref={scrollRef} style={{ height: '100%', overflow: 'auto' }} data-testid="mailbox-list">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const message = messages[item.index]
          if (message === undefined) return null
          const active = message.id === selected
          return (
            <UnstyledButton
              key={item.key}
              data-testid="mailbox-row"
              data-id={message.id}
              aria-current={active}
              onClick={() => onSelect(message.id)}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`,
                padding: '6px 10px',
                borderBottom: '1px solid var(--mantine-color-default-border)',
                background: active ? 'var(--mantine-color-default-hover)' : undefined,
              }}
            >
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Text size="sm" fw={message.read ? 400 : 700} truncate>
                  {message.subject || '(no subject)'}
                </Text>
                <Text size="xs" c="dimmed" ff="monospace" style={{ flexShrink: 0 }}>
                  {new Date(message.createdAt).toLocaleTimeString()}
                </Text>
              </Group>
              <Group gap={4} wrap="nowrap">
                <Text size="xs" c="dimmed" truncate>
                  {message.to.map((entry) => entry.address).join(', ')}
                </Text>
                {message.tags.map((tag) => (
                  <Badge key={tag} size="xs" variant="light">
                    {tag}
                  </Badge>
                ))}
              </Group>
            </UnstyledButton>
          )
        })}
      </div>
    </div>
  )
}
