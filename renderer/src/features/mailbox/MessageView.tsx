import { useState } from 'react'
import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Loader,
  ScrollArea,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core'
import type { MailboxMessage } from '../../../../shared/contract'
import { messageDocumentSrc, useClient } from '../../transport/client'
import { useCall } from '../../transport/hooks'
import { MessageChecks } from './MessageChecks'
import { hasRemoteImages } from './html-document'

function download(
  fileName: string,
  contentType: string,
  data: string | Uint8Array<ArrayBuffer>,
): void {
  const url = URL.createObjectURL(new Blob([data], { type: contentType }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  URL.revokeObjectURL(url)
}

const fromBase64 = (base64: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))

function HtmlPart({ message }: { message: MailboxMessage }) {
  const [allowed, setAllowed] = useState(false)
  const remote = hasRemoteImages(message.html)
  return (
    <Stack gap="xs">
      {remote && !allowed && (
        <Group gap="xs" data-testid="remote-images-blocked">
          <Text size="xs" c="dimmed">
            Remote images are blocked for this message.
          </Text>
          <Button
            size="compact-xs"
            variant="default"
            onClick={() => setAllowed(true)}
            data-testid="allow-remote-images"
          >
            Show remote images
          </Button>
        </Group>
      )}
      <iframe
        title="HTML part"
        data-testid="message-html"
        sandbox=""
        referrerPolicy="no-referrer"
        src={messageDocumentSrc({ id: message.id, allowRemoteImages: allowed })}
        style={{
          width: '100%',
          height: 480,
          border: '1px solid var(--mantine-color-default-border)',
          background: 'white',
        }}
      />
    </Stack>
  )
}

function RawPart({ id }: { id: string }) {
  const loaded = useCall('mailbox:raw', { id })
  const raw = loaded.data
  if (loaded.error !== undefined)
    return (
      <Text size="sm" c="red" data-testid="raw-error">
        Could not read the raw message: {loaded.error.message}
      </Text>
    )
  if (raw === undefined) return <Loader size="sm" />
  return (
    <Stack gap="xs">
      <Group>
        <Button
          size="xs"
          variant="default"
          data-testid="raw-download"
          onClick={() => download(`${id}.eml`, 'message/rfc822', raw.raw)}
        >
          Download .eml
        </Button>
        {raw.truncated && (
          <Text size="xs" c="orange">
            Shown up to 5 MiB
          </Text>
        )}
      </Group>
      <ScrollArea h={460}>
        <Code block data-testid="message-raw">
          {raw.raw}
        </Code>
      </ScrollArea>
    </Stack>
  )
}

function Attachments({ message }: { message: MailboxMessage }) {
  const client = useClient()
  if (message.attachmentList.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No attachments.
      </Text>
    )
  return (
    <Stack gap={4}>
      {message.attachmentList.map((part) => (
        <Group key={part.partId} gap="xs">
          <Anchor
            component="button"
            size="sm"
            onClick={() =>
              void client
                .call('mailbox:attachment', { id: message.id, partId: part.partId })
                .then((file) =>
                  download(
                    file.fileName || `part-${part.partId}`,
                    file.contentType,
                    fromBase64(file.base64),
                  ),
                )
            }
          >
            {part.fileName || `part ${part.partId}`}
          </Anchor>
          <Text size="xs" c="dimmed">
            {part.contentType} · {part.size} B
          </Text>
        </Group>
      ))}
    </Stack>
  )
}

function HeadersTable({ headers }: { headers: MailboxMessage['headers'] }) {
  return (
    <Table data-testid="message-headers" fz="xs" ff="monospace">
      <Table.Tbody>
        {Object.entries(headers).flatMap(([name, values]) =>
          values.map((value, index) => (
            <Table.Tr key={`${name}-${index}`}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{name}</Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
            </Table.Tr>
          )),
        )}
      </Table.Tbody>
    </Table>
  )
}

/** The subject, a link to the email's timeline (when it has one) and Delete. */
function MessageHeading({
  message,
  onDeleted,
}: {
  message: MailboxMessage
  onDeleted: () => void
}) {
  const client = useClient()
  return (
    <Group justify="space-between" wrap="nowrap">
      <Title order={4} data-testid="message-subject">
        {message.subject || '(no subject)'}
      </Title>
      <Group gap="xs" wrap="nowrap">
        {message.emailId !== null && (
          <Button
            component="a"
            size="xs"
            variant="light"
            href={`#/emails?id=${encodeURIComponent(message.emailId)}`}
            data-testid="message-timeline-link"
          >
            Timeline
          </Button>
        )}
        <Button
          size="xs"
          color="red"
          variant="light"
          data-testid="message-delete"
          onClick={() => void client.call('mailbox:delete', { ids: [message.id] }).then(onDeleted)}
        >
          Delete
        </Button>
      </Group>
    </Group>
  )
}

/** HTML, text, headers, raw source, attachments and checks, one tab each. */
function MessageTabs({ message }: { message: MailboxMessage }) {
  return (
    <Tabs defaultValue={message.html === '' ? 'text' : 'html'} keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="html" disabled={message.html === ''}>
          HTML
        </Tabs.Tab>
        <Tabs.Tab value="text">Text</Tabs.Tab>
        <Tabs.Tab value="headers" data-testid="tab-headers">
          Headers
        </Tabs.Tab>
        <Tabs.Tab value="raw" data-testid="tab-raw">
          Raw
        </Tabs.Tab>
        <Tabs.Tab value="attachments">Attachments ({message.attachmentList.length})</Tabs.Tab>
        <Tabs.Tab value="checks" disabled={message.html === ''}>
          Checks
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="html" pt="xs">
        <HtmlPart message={message} />
      </Tabs.Panel>
      <Tabs.Panel value="text" pt="xs">
        <Code block data-testid="message-text">
          {message.text}
        </Code>
      </Tabs.Panel>
      <Tabs.Panel value="headers" pt="xs">
        <HeadersTable headers={message.headers} />
      </Tabs.Panel>
      <Tabs.Panel value="raw" pt="xs">
        <RawPart id={message.id} />
      </Tabs.Panel>
      <Tabs.Panel value="attachments" pt="xs">
        <Attachments message={message} />
      </Tabs.Panel>
      <Tabs.Panel value="checks" pt="xs">
        <MessageChecks id={message.id} />
      </Tabs.Panel>
    </Tabs>
  )
}

/** One caught message: HTML (sandboxed), text, headers, raw source, attachments, checks. */
export function MessageView({ id, onDeleted }: { id: string; onDeleted: () => void }) {
  const loaded = useCall('mailbox:message', { id })
  const message = loaded.data
  if (loaded.error !== undefined) return <Alert color="red">{loaded.error.message}</Alert>
  if (message === undefined) return <Loader size="sm" />
  return (
    <Stack gap="sm" data-testid="message-view">
      <MessageHeading message={message} onDeleted={onDeleted} />
      <Text size="sm">
        From {message.from?.address ?? '(none)'} to{' '}
        {message.to.map((entry) => entry.address).join(', ')}
      </Text>
      <MessageTabs message={message} />
    </Stack>
  )
}
