import { useState } from 'react'
import { Anchor, Button, Loader, Stack, Text } from '@mantine/core'
import type { ChannelOutput } from '../../../../shared/contract'
import { useAction, useCall } from '../../transport/hooks'
import { errorMessage } from '../../ui/notify'

type LinkResult = ChannelOutput<'mailbox:link-check'>

/** The catcher's HTML compatibility check, and its link check only when asked (it goes online). */
export function MessageChecks({ id }: { id: string }) {
  const check = useCall('mailbox:html-check', { id })
  const action = useAction()
  const [links, setLinks] = useState<LinkResult | { failed: string } | undefined>()
  const html = check.data
  if (check.error !== undefined)
    return (
      <Text size="sm" c="red" data-testid="html-check-error">
        The HTML check failed: {check.error.message}
      </Text>
    )
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
      {links === undefined && !action.pending && (
        <Button
          size="xs"
          variant="default"
          w="fit-content"
          onClick={() =>
            void action
              .call('mailbox:link-check', { id })
              .then(setLinks, (error: unknown) => setLinks({ failed: errorMessage(error) }))
          }
        >
          Check links (makes requests to each link)
        </Button>
      )}
      {action.pending && <Loader size="sm" />}
      {links !== undefined &&
        ('failed' in links ? (
          <Text size="sm" c="red" data-testid="link-check-error">
            The link check failed: {links.failed}
          </Text>
        ) : links.result === null ? (
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
