import { Alert, Button, Group, Text } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { chaosStages, isChaosActive, type ChaosTriggers } from '../../../../shared/contract'
import { useClient } from '../../transport/client'
import { useMailboxStatus } from './useMailbox'

const OFF: ChaosTriggers = {
  Sender: { ErrorCode: 451, Probability: 0 },
  Recipient: { ErrorCode: 451, Probability: 0 },
  Authentication: { ErrorCode: 535, Probability: 0 },
}

export function describeChaos(triggers: ChaosTriggers): string {
  return chaosStages
    .filter((stage) => triggers[stage].Probability > 0)
    .map((stage) => `${stage} ${triggers[stage].ErrorCode} (${triggers[stage].Probability}%)`)
    .join(', ')
}

/** Shown in Send, Emails and Mailbox while the catcher rejects mail on purpose. */
export function ChaosBanner() {
  const client = useClient()
  const status = useMailboxStatus()
  const chaos = status?.chaos ?? null
  if (!isChaosActive(chaos) || chaos === null) return null
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      data-testid="chaos-banner"
    >
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">
          Failure injection is on: the catcher rejects {describeChaos(chaos)}. Emails will retry and
          may be dead-lettered.
        </Text>
        <Button
          size="xs"
          variant="default"
          data-testid="chaos-reset"
          onClick={() => void client.call('mailbox:chaos-set', { triggers: OFF })}
        >
          Reset
        </Button>
      </Group>
    </Alert>
  )
}
