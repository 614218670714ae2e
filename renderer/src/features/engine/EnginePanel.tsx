import { useEffect, useState } from 'react'
import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import type { EngineStatus } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { StatusDot } from '../../ui/StatusDot'
import { useEngineStatus } from '../../transport/engine-status'
import { formatBytes } from '../../ui/format'
import { secondsUntil } from './format'

function Stat({ label, value, hint }: { label: string; value: string | number; hint?: string }) {
  return (
    <Card withBorder padding="md" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text
        size="xl"
        fw={700}
        ff="monospace"
        data-testid={`stat-${label.toLowerCase().replace(/\s+/g, '-')}`}
      >
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  )
}

function Unreachable({
  status,
  onRetry,
  retrying,
}: {
  status: Extract<EngineStatus, { state: 'unreachable' }>
  onRetry: () => void
  retrying: boolean
}) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  const next = secondsUntil(status.nextRetryAt, now)
  return (
    <Alert
      color="red"
      title="Docker engine unreachable"
      role="alert"
      data-testid="engine-unreachable"
    >
      <Stack gap="xs">
        <Text size="sm">
          Tried <Code>{status.endpoint.address}</Code> ({status.endpoint.source})
        </Text>
        <Text size="sm" data-testid="engine-error">
          {status.error}
        </Text>
        <Text size="xs" c="dimmed">
          {next === undefined
            ? 'No automatic retry scheduled.'
            : `Trying again by itself in ${next} s.`}{' '}
          Start the engine (Docker Desktop, colima, dockerd) or pick another endpoint in Settings.
        </Text>
        <Group>
          <Button onClick={onRetry} loading={retrying} variant="filled" color="red">
            Retry now
          </Button>
        </Group>
      </Stack>
    </Alert>
  )
}

type Connected = Extract<EngineStatus, { state: 'connected' }>

function EngineCounts({ info }: { info: Connected['info'] }) {
  return (
    <SimpleGrid cols={{ base: 2, md: 5 }}>
      <Stat
        label="Containers"
        value={info.containers.total}
        hint={`${info.containers.running} running, ${info.containers.paused} paused`}
      />
      <Stat label="Running" value={info.containers.running} />
      <Stat label="Images" value={info.images} />
      <Stat label="Volumes" value={info.volumes} />
      <Stat label="Networks" value={info.networks} />
    </SimpleGrid>
  )
}

function EngineDetails({ status }: { status: Connected }) {
  const { info } = status
  return (
    <Card withBorder padding={0}>
      <Table verticalSpacing={6} horizontalSpacing="md" data-testid="engine-details">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={180}>Endpoint</Table.Th>
            <Table.Td>
              <Code>{status.endpoint.address}</Code>{' '}
              <Text span size="xs" c="dimmed">
                from {status.endpoint.source}
              </Text>
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Server version</Table.Th>
            <Table.Td ff="monospace" data-testid="engine-version">
              {info.version}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>API version</Table.Th>
            <Table.Td ff="monospace">{info.apiVersion}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Operating system</Table.Th>
            <Table.Td>
              {info.os} ({info.osType}/{info.arch})
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Kernel</Table.Th>
            <Table.Td ff="monospace">{info.kernel}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>CPUs / memory</Table.Th>
            <Table.Td>
              {info.cpus} CPUs, {formatBytes(info.memoryBytes)}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Host name</Table.Th>
            <Table.Td ff="monospace">{info.name}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </Card>
  )
}

function Connecting({ status }: { status: EngineStatus | null | undefined }) {
  return (
    <Group data-testid="engine-connecting">
      <Loader size="sm" />
      <Text>Connecting to the Docker engine{status ? ` at ${status.endpoint.address}` : ''}…</Text>
    </Group>
  )
}

export function EnginePanel() {
  const { call } = useAction()
  const status = useEngineStatus()
  const [retrying, setRetrying] = useState(false)

  const retry = () => {
    setRetrying(true)
    call('engine:retry', {})
      .catch((error: Error) =>
        notifications.show({ color: 'red', title: 'Retry failed', message: error.message }),
      )
      .finally(() => setRetrying(false))
  }

  return (
    <Stack gap="md">
      <Group gap="xs">
        <Title order={2}>Engine</Title>
        {status && (
          <StatusDot
            state={
              status.state === 'connected' ? 'ok' : status.state === 'connecting' ? 'idle' : 'error'
            }
            label={status.state}
          />
        )}
      </Group>
      {!status || status.state === 'connecting' ? (
        <Connecting status={status} />
      ) : status.state === 'unreachable' ? (
        <Unreachable status={status} onRetry={retry} retrying={retrying} />
      ) : (
        <>
          <EngineCounts info={status.info} />
          <EngineDetails status={status} />
          <Text size="xs" c="dimmed">
            Updated live from the engine's event stream · last checked{' '}
            {new Date(status.checkedAt).toLocaleTimeString()}
          </Text>
        </>
      )}
    </Stack>
  )
}
