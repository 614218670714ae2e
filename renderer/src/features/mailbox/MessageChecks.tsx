import { useEffect, useState } from 'react'
import { Anchor, Button, Loader, Stack, Text } from '@mantine/core'
import type { ChannelOutput } from '../../../../shared/contract'
import { useClient } from '../../transport/client'

type HtmlResult = ChannelOutput<'mailbox:html-check'>
type LinkResult = ChannelOutput<'mailbox:link-check'>

/** The catcher's HTML compatibility check, and its link check only when asked (it goes online). */
export function MessageChecks({ id }: { id: string }) {
  const client = useClient()
  const [html, setHtml] = useState<HtmlResult | undefined>()
  const [links, setLinks] = useState<LinkResult | 'running' | undefined>()
  useEffect(() => {
    void client.call('mailbox:html-check', { id }).then(setHtml, () => undefined)
  }, [client, id])
  if (html === undefined) return <Loader size="sm" />
  return (
    <Stack gap="xs" data-testid="message-checks">
      {html.result === null ? (
        <Text size="sm" c="dimmed" data-testid="html-check-hidden">
          {html.reason}
        </Text>
      ) : (
        <>
          <Text size="sm" data-testid="html-check-summary">
            HTML support: {html.result.supported}% of client tests pass;{' '}
            {html.result.warnings.length} warning(s)
          </Text>
          {html.result.warnings.map((warning) => (
            <Text key={warning.slug} size="xs">
              <Anchor href={warning.url} target="_blank" rel="noreferrer">
                {warning.title}
              </Anchor>
              : not in {warning.clients.join(', ')}
            </Text>
          ))}
        </>
      )}
      {links === undefined && (
        <Button
          size="xs"
          variant="default"
          w="fit-content"
          onClick={() => {
            setLinks('running')
            void client.call('mailbox:link-check', { id }).then(setLinks)
          }}
        >
          Check links (makes requests to each link)
        </Button>
      )}
      {links === 'running' && <Loader size="sm" />}
      {links !== undefined &&
        links !== 'running' &&
        (links.result === null ? (
          <Text size="sm" c="dimmed">
            {links.reason}
          </Text>
        ) : (
          <Text size="sm" data-testid="link-check-summary">
            {links.result.links.length} link(s), {links.result.errors} broken
          </Text>
        ))}
    </Stack>
  )
}
