import { useEffect, useState } from 'react'
import { Button, Card, Code, Group, Stack, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import type { BrokerConnection, MaildockError } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { StatusDot } from '../../ui/StatusDot'
import { brokerDot } from '../../ui/BrokerStatusBadge'

const explain: Record<BrokerConnection['state'], string> = {
  idle: 'Not started.',
  connecting: 'Connecting…',
  connected: 'Connected; the app’s subscription receives every request and outcome.',
  reconnecting: 'Lost or refused; trying again by itself.',
  blocked: 'Connected, but the broker holds publishes back (a memory or disk alarm).',
  stopped: 'Stopped.',
}

/** The app's own AMQP connection and its durable subscription. */
export function ConnectionCard({ status }: { status: BrokerConnection | undefined }) {
  const { call } = useAction()
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  const reconnect = () => {
    call('broker:reconnect', {}).catch((error: MaildockError) =>
      notifications.show({ color: 'red', title: 'Reconnect failed', message: error.message }),
    )
  }
  const sub = status?.subscription
  const inSeconds =
    status?.nextRetryAt === undefined
      ? undefined
      : Math.max(0, Math.ceil((status.nextRetryAt - now) / 1000))
  return (
    <Card withBorder padding="md" data-testid="broker-connection">
      <Stack gap={6}>
        <Group justify="space-between">
          <Group gap="xs">
            <StatusDot state={brokerDot(status?.state)} label={status?.state ?? 'connecting'} />
            <Title order={5} data-testid="broker-state">
              {status?.state ?? 'connecting'}
            </Title>
            {status?.url !== undefined && <Code>{status.url}</Code>}
          </Group>
          {status?.state !== 'connected' && (
            <Button size="xs" variant="light" onClick={reconnect}>
              Reconnect now
            </Button>
          )}
        </Group>
        <Text size="sm">{status === undefined ? 'Connecting…' : explain[status.state]}</Text>
        {status?.state === 'blocked' && (
          <Text size="sm" c="orange">
            Reason: {status.blockedReason ?? 'resource alarm'}
          </Text>
        )}
        {status?.error !== undefined && status.state === 'reconnecting' && (
          <Text size="sm" c="red" data-testid="broker-error">
            {status.error}
            {inSeconds !== undefined
              ? ` · attempt ${status.attempt ?? 1}, next in ${inSeconds} s`
              : ''}
          </Text>
        )}
        {sub !== undefined && (
          <Text size="xs" c="dimmed" ff="monospace" data-testid="broker-subscription">
            maildock.app: {sub.consuming ? 'consuming' : 'not consuming'} · stored {sub.consumed} ·
            in flight {sub.inFlight}
            {sub.invalid > 0 ? ` · unreadable ${sub.invalid}` : ''}
            {sub.lastError !== undefined ? ` · ${sub.lastError}` : ''}
          </Text>
        )}
      </Stack>
    </Card>
  )
}
