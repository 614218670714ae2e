import { useEffect, useState } from 'react'
import { Anchor, Group, Text, ThemeIcon } from '@mantine/core'
import { IconInbox } from '@tabler/icons-react'
import type { MailboxSummary } from '../../../../shared/contract'
import { useClient } from '../../transport/client'

/** The timeline's last step: the message the catcher caught for this email, with a link to it. */
export function CaughtStep({ emailId, sent }: { emailId: string; sent: boolean }) {
  const client = useClient()
  const [caught, setCaught] = useState<MailboxSummary | null | undefined>()
  useEffect(() => {
    if (!sent) return
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const look = (tries: number) => {
      client.call('mailbox:find', { emailId }).then(
        ({ message }) => {
          if (!live) return
          setCaught(message)
          if (message === null && tries > 0) timer = setTimeout(() => look(tries - 1), 1_000)
        },
        () => live && setCaught(null),
      )
    }
    look(15)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [client, emailId, sent])
  if (!sent || caught === undefined || caught === null) return null
  return (
    <Group gap="xs" data-testid="timeline-caught">
      <ThemeIcon size="sm" color="teal" variant="light">
        <IconInbox size={14} />
      </ThemeIcon>
      <Text size="sm" fw={500}>
        Caught by the catcher
      </Text>
      <Anchor
        size="sm"
        href={`#/mailbox?id=${encodeURIComponent(caught.id)}`}
        data-testid="timeline-caught-link"
      >
        Open in Mailbox
      </Anchor>
    </Group>
  )
}
