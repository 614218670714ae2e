import { Badge, Group, Text, Tooltip } from '@mantine/core'
import type { BrokerConnection } from '../../../shared/contract'
import { useSubscription } from '../transport/hooks'
import { StatusDot, type DotState } from './StatusDot'

export function brokerDot(state: BrokerConnection['state'] | undefined): DotState {
  if (state === 'connected') return 'ok'
  if (state === 'blocked' || state === 'connecting') return 'warn'
  if (state === 'reconnecting') return 'error'
  return 'idle'
}

export const useBrokerConnection = (): BrokerConnection | undefined =>
  useSubscription('broker:changed', {}).data

/** The app's broker connection in one line: state, where, and why not when it is down. */
export function BrokerStatusBadge() {
  const status = useBrokerConnection()
  const state = status?.state ?? 'connecting'
  const why =
    state === 'blocked'
      ? `The broker blocks publishing: ${status?.blockedReason ?? 'resource alarm'}`
      : (status?.error ?? status?.url ?? '')
  return (
    <Tooltip label={why} disabled={why === ''} multiline maw={420}>
      <Badge
        variant="light"
        color="gray"
        size="lg"
        data-testid="broker-badge"
        leftSection={<StatusDot state={brokerDot(status?.state)} label={`broker ${state}`} />}
      >
        <Group gap={6} wrap="nowrap">
          <Text span size="xs" fw={600}>
            Broker {state}
          </Text>
        </Group>
      </Badge>
    </Tooltip>
  )
}
