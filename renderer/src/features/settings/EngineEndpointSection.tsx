import { useState } from 'react'
import { Badge, Button, Code, Group, Radio, Stack, Table, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import type { Endpoints } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { notifyError } from '../../ui/notify'
import { StatusDot } from '../../ui/StatusDot'
import { useLiveList } from '../../transport/live-list'
import { useEngineStatus } from '../../transport/engine-status'

const CUSTOM = '__custom__'

/** Switches the engine endpoint (null: back to discovery) and says whether the engine answers. */
function useApplyEndpoint(onChanged: () => void) {
  const { call } = useAction()
  const [busy, setBusy] = useState(false)
  const apply = (next: string | null) => {
    setBusy(true)
    call('engine:set-endpoint', { address: next })
      .then((status) => {
        if (status.state === 'connected')
          notifications.show({
            color: 'green',
            title: `Connected to ${status.endpoint.address}`,
            message: `Docker ${status.info.version} on ${status.info.name}`,
          })
        else
          notifications.show({
            color: 'yellow',
            title: `Saved ${status.endpoint.address}, but the engine does not answer`,
            message: status.state === 'unreachable' ? status.error : 'Still connecting…',
            autoClose: 8000,
          })
        onChanged()
      })
      .catch((error: unknown) => notifyError('Could not switch the endpoint', error))
      .finally(() => setBusy(false))
  }
  return { busy, apply }
}

function EndpointForm({ endpoints, onChanged }: { endpoints: Endpoints; onChanged: () => void }) {
  const known = endpoints.candidates.map((c) => c.endpoint.address)
  const initial = endpoints.chosen?.address ?? endpoints.current.address
  const [picked, setPicked] = useState(known.includes(initial) ? initial : CUSTOM)
  const [custom, setCustom] = useState(known.includes(initial) ? '' : initial)
  const { busy, apply } = useApplyEndpoint(onChanged)
  const address = picked === CUSTOM ? custom.trim() : picked

  return (
    <Stack gap="sm">
      <CurrentEndpoint endpoints={endpoints} />
      <Radio.Group value={picked} onChange={setPicked} aria-label="Endpoint">
        <CandidatesTable
          endpoints={endpoints}
          onPick={setPicked}
          custom={custom}
          onCustom={setCustom}
        />
      </Radio.Group>
      <Group gap="xs">
        <Button
          size="xs"
          onClick={() => apply(address)}
          loading={busy}
          disabled={
            !address || (address === endpoints.current.address && endpoints.chosen !== null)
          }
        >
          Use this endpoint
        </Button>
        {endpoints.chosen && (
          <Button size="xs" variant="default" onClick={() => apply(null)} disabled={busy}>
            Back to automatic discovery
          </Button>
        )}
        <Text size="xs" c="dimmed">
          The choice is remembered. Discovery order: DOCKER_HOST, the docker context, then the known
          sockets.
        </Text>
      </Group>
    </Stack>
  )
}

function CurrentEndpoint({ endpoints }: { endpoints: Endpoints }) {
  const engine = useEngineStatus()
  return (
    <Group gap="xs" data-testid="endpoint-current">
      <StatusDot
        state={
          engine?.state === 'connected' ? 'ok' : engine?.state === 'unreachable' ? 'error' : 'idle'
        }
        label={engine?.state ?? 'unknown'}
      />
      <Text size="sm">In use:</Text>
      <Code>{endpoints.current.address}</Code>
      <Text size="xs" c="dimmed">
        {endpoints.chosen ? 'your choice' : `found automatically (${endpoints.current.source})`}
      </Text>
    </Group>
  )
}

/** The endpoints found, each with whether it exists, and a row for another address. */
function CandidatesTable({
  endpoints,
  onPick,
  custom,
  onCustom,
}: {
  endpoints: Endpoints
  onPick: (address: string) => void
  custom: string
  onCustom: (address: string) => void
}) {
  return (
    <Table fz="sm" verticalSpacing={4} withTableBorder aria-label="Endpoint candidates">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={36} />
          <Table.Th>Address</Table.Th>
          <Table.Th>Found by</Table.Th>
          <Table.Th w={120}>Status</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {endpoints.candidates.map(({ endpoint, exists }) => (
          <Table.Tr
            key={endpoint.address}
            onClick={() => onPick(endpoint.address)}
            style={{ cursor: 'pointer' }}
          >
            <Table.Td>
              <Radio value={endpoint.address} aria-label={endpoint.address} size="xs" />
            </Table.Td>
            <Table.Td ff="monospace">{endpoint.address}</Table.Td>
            <Table.Td>
              <Text size="xs" c="dimmed">
                {endpoint.source}
              </Text>
            </Table.Td>
            <Table.Td>
              {endpoint.address === endpoints.current.address ? (
                <Badge size="xs" color="green" variant="light">
                  in use
                </Badge>
              ) : exists ? (
                <Badge size="xs" variant="light">
                  present
                </Badge>
              ) : (
                <Badge size="xs" color="gray" variant="outline">
                  not found
                </Badge>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td>
            <Radio value={CUSTOM} aria-label="Another address" size="xs" />
          </Table.Td>
          <Table.Td colSpan={3}>
            <TextInput
              size="xs"
              ff="monospace"
              aria-label="Endpoint address"
              placeholder="unix:///path/docker.sock, tcp://host:2375, ssh://user@host, npipe:////./pipe/docker_engine"
              value={custom}
              onFocus={() => onPick(CUSTOM)}
              onChange={(e) => onCustom(e.currentTarget.value)}
            />
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  )
}

/** Which Docker engine MailDock talks to. Works while the engine is down: that is when it matters. */
export function EngineEndpointSection() {
  const endpoints = useLiveList((client) => client.call('engine:endpoints', {}), [])
  if (endpoints.error)
    return (
      <Text size="sm" c="red" role="alert">
        {endpoints.error.message}
      </Text>
    )
  if (!endpoints.data) return <ListStatesLoading />
  return (
    <EndpointForm
      key={`${endpoints.data.current.address}|${endpoints.data.chosen?.address}`}
      endpoints={endpoints.data}
      onChanged={endpoints.refresh}
    />
  )
}

function ListStatesLoading() {
  return (
    <Text size="sm" c="dimmed" data-testid="list-loading">
      Looking for engines…
    </Text>
  )
}
