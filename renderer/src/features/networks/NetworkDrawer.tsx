import { useState } from 'react'
import { Button, Drawer, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import type { NetworkDetail } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { formatTime, shortId } from '../../ui/format'
import { KeyValueTable } from '../../ui/KeyValueTable'
import { ListStates } from '../../ui/ListStates'
import { notifyError } from '../../ui/notify'
import { useLiveList } from '../../transport/live-list'

function ConnectForm({ network, onDone }: { network: NetworkDetail; onDone: () => void }) {
  const { call } = useAction()
  const candidates = useLiveList((c) => c.call('containers:list', { all: true }), ['container'])
  const [container, setContainer] = useState<string | null>(null)
  const [aliases, setAliases] = useState('')
  const [busy, setBusy] = useState(false)
  const attached = new Set(network.containers.map((c) => c.id))
  const options = (candidates.data?.containers ?? [])
    .filter((c) => !attached.has(c.id))
    .map((c) => ({ value: c.id, label: `${c.name} (${c.state})` }))
  const connect = () => {
    if (!container) return
    setBusy(true)
    const list = aliases.split(/[\s,]+/).filter(Boolean)
    call('networks:connect', {
      id: network.id,
      container,
      ...(list.length ? { aliases: list } : {}),
    })
      .then(() => {
        setContainer(null)
        setAliases('')
        onDone()
      })
      .catch((error: unknown) => notifyError('Could not connect the container', error))
      .finally(() => setBusy(false))
  }
  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <Select
        size="xs"
        label="Connect a container"
        placeholder={candidates.data ? 'Pick a container' : 'Loading…'}
        data={options}
        value={container}
        onChange={setContainer}
        searchable
        nothingFoundMessage="No other container"
        w={260}
      />
      <TextInput
        size="xs"
        label="Aliases"
        placeholder="optional"
        value={aliases}
        onChange={(e) => setAliases(e.currentTarget.value)}
        w={160}
      />
      <Button size="xs" onClick={connect} loading={busy} disabled={!container}>
        Connect
      </Button>
    </Group>
  )
}

function ConnectedContainers({
  network,
  onChanged,
}: {
  network: NetworkDetail
  onChanged: () => void
}) {
  const { call } = useAction()
  const [busy, setBusy] = useState<string | null>(null)
  const disconnect = (container: { id: string; name: string }) => {
    setBusy(container.id)
    call('networks:disconnect', { id: network.id, container: container.id })
      .then(onChanged)
      .catch((error: unknown) => notifyError(`Could not disconnect ${container.name}`, error))
      .finally(() => setBusy(null))
  }
  if (network.containers.length === 0)
    return (
      <Text size="sm" c="dimmed">
        None.
      </Text>
    )
  return (
    <Table fz="xs" verticalSpacing={3} withTableBorder aria-label="Connected containers">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Container</Table.Th>
          <Table.Th>IPv4</Table.Th>
          <Table.Th>MAC</Table.Th>
          <Table.Th w={110} />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {network.containers.map((c) => (
          <Table.Tr key={c.id}>
            <Table.Td>
              {c.name}{' '}
              <Text span size="xs" c="dimmed" ff="monospace">
                {shortId(c.id)}
              </Text>
            </Table.Td>
            <Table.Td ff="monospace">{c.ipv4Address || '—'}</Table.Td>
            <Table.Td ff="monospace">{c.macAddress || '—'}</Table.Td>
            <Table.Td>
              <Button
                size="compact-xs"
                variant="light"
                color="red"
                loading={busy === c.id}
                onClick={() => disconnect(c)}
                aria-label={`Disconnect ${c.name}`}
              >
                Disconnect
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

function Details({ network, onChanged }: { network: NetworkDetail; onChanged: () => void }) {
  return (
    <Stack gap="md" data-testid="network-details">
      <KeyValueTable
        label="Network"
        rows={[
          ['ID', network.id],
          ['Driver', network.driver],
          ['Scope', network.scope],
          [
            'Subnets',
            network.subnets
              .map((s) => `${s.subnet}${s.gateway ? ` via ${s.gateway}` : ''}`)
              .join(', ') || '—',
          ],
          ['Internal', network.internal ? 'yes' : 'no'],
          ['Attachable', network.attachable ? 'yes' : 'no'],
          ['Created', formatTime(network.created)],
        ]}
      />
      <Title order={5}>Connected containers ({network.containers.length})</Title>
      <ConnectedContainers network={network} onChanged={onChanged} />
      {!network.builtIn || network.name === 'bridge' ? (
        <ConnectForm network={network} onDone={onChanged} />
      ) : null}
      <Title order={5}>Options</Title>
      <KeyValueTable label="Options" rows={Object.entries(network.options)} />
      <Title order={5}>Labels</Title>
      <KeyValueTable label="Labels" rows={Object.entries(network.labels)} />
    </Stack>
  )
}

function DetailLoader({ id }: { id: string }) {
  const detail = useLiveList(
    (client) => client.call('networks:inspect', { id }),
    ['network', 'container'],
    (e) => (e.type === 'network' ? e.id === id : e.action === 'destroy'),
  )
  return (
    <ListStates list={detail} what="network" isEmpty={() => false} empty={null}>
      {(data) => <Details network={data} onChanged={detail.refresh} />}
    </ListStates>
  )
}

export function NetworkDrawer({
  id,
  name,
  onClose,
}: {
  id: string | null
  name: string
  onClose: () => void
}) {
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size="min(820px, 60%)"
      title={<Text fw={600}>{name}</Text>}
    >
      {id && <DetailLoader key={id} id={id} />}
    </Drawer>
  )
}
