import { Alert, Anchor, Text } from '@mantine/core'
import { IconInfoCircle } from '@tabler/icons-react'
import type { StackStatus } from '../../../shared/contract'

const stateWords: Record<StackStatus['state'], string> = {
  absent: 'has not been created yet',
  stopped: 'is stopped',
  partial: 'is only partly running',
  starting: 'is starting',
  unknown: 'cannot be read right now',
  up: 'is running',
}

/** Why the stack's panels have little to show, or null when the stack runs. */
function stackBlockedReason(status: StackStatus | undefined): string | null {
  if (status === undefined || status.state === 'up') return null
  return `The mail stack ${stateWords[status.state]}: start it to send and follow emails.`
}

/** Shown above the panels that need the stack while it does not run, with the way to Start. */
export function StackBanner({ status }: { status: StackStatus | undefined }) {
  const reason = stackBlockedReason(status)
  if (reason === null) return null
  return (
    <Alert
      color="blue"
      variant="light"
      icon={<IconInfoCircle size={18} />}
      mb="md"
      data-testid="stack-banner"
      title="Start the stack first"
    >
      <Text size="sm">
        {reason} One click in the Stack panel builds the images and starts the broker, API, emailer
        and logger.{' '}
        <Anchor href="#/stack" fw={600}>
          Go to Stack
        </Anchor>
      </Text>
    </Alert>
  )
}
