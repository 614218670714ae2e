import { useState } from 'react'
import { Checkbox, Group, Select, Text, TextInput } from '@mantine/core'
import type { ChannelInput, NetworkSummary } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { parseKeyValues } from '../../ui/format'
import { notifyDone } from '../../ui/notify'
import { LabelsInput, ResourceConfirmDialog, ResourceFormDialog } from '../../ui/ResourceDialog'

const DRIVERS = ['bridge', 'overlay', 'macvlan', 'ipvlan']

interface NetworkForm {
  name: string
  driver: string
  subnet: string
  gateway: string
  internal: boolean
  attachable: boolean
  labels: string
}

const EMPTY_FORM: NetworkForm = {
  name: '',
  driver: 'bridge',
  subnet: '',
  gateway: '',
  internal: false,
  attachable: false,
  labels: '',
}

function toCreateInput(form: NetworkForm): ChannelInput<'networks:create'> {
  const parsed = parseKeyValues(form.labels)
  return {
    name: form.name.trim(),
    driver: form.driver,
    internal: form.internal,
    attachable: form.attachable,
    ...(form.subnet.trim() ? { subnet: form.subnet.trim() } : {}),
    ...(form.gateway.trim() ? { gateway: form.gateway.trim() } : {}),
    ...(Object.keys(parsed).length ? { labels: parsed } : {}),
  }
}

function NetworkFields({
  form,
  set,
}: {
  form: NetworkForm
  set: <K extends keyof NetworkForm>(key: K, value: NetworkForm[K]) => void
}) {
  return (
    <>
      <TextInput
        label="Name"
        value={form.name}
        onChange={(e) => set('name', e.currentTarget.value)}
        required
        data-autofocus
      />
      <Select
        label="Driver"
        data={DRIVERS}
        value={form.driver}
        onChange={(value) => set('driver', value ?? 'bridge')}
        allowDeselect={false}
      />
      <Group grow>
        <TextInput
          label="Subnet"
          placeholder="172.30.0.0/24 (optional)"
          ff="monospace"
          value={form.subnet}
          onChange={(e) => set('subnet', e.currentTarget.value)}
        />
        <TextInput
          label="Gateway"
          placeholder="172.30.0.1 (optional)"
          ff="monospace"
          value={form.gateway}
          onChange={(e) => set('gateway', e.currentTarget.value)}
        />
      </Group>
      <Checkbox
        label="Internal (no access to the outside)"
        checked={form.internal}
        onChange={(e) => set('internal', e.currentTarget.checked)}
      />
      <Checkbox
        label="Attachable"
        checked={form.attachable}
        onChange={(e) => set('attachable', e.currentTarget.checked)}
      />
      <LabelsInput value={form.labels} onChange={(value) => set('labels', value)} />
    </>
  )
}

export function CreateNetworkDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { call } = useAction()
  const [form, setForm] = useState(EMPTY_FORM)
  const set = <K extends keyof NetworkForm>(key: K, value: NetworkForm[K]) =>
    setForm((previous) => ({ ...previous, [key]: value }))
  const submit = async () => {
    const network = await call('networks:create', toCreateInput(form))
    notifyDone(
      'Network created',
      `${network.name} (${network.subnets.map((s) => s.subnet).join(', ') || network.driver})`,
    )
  }
  return (
    <ResourceFormDialog
      opened={opened}
      title="Create a network"
      submitLabel="Create"
      canSubmit={form.name.trim() !== ''}
      errorTitle="Could not create the network"
      onSubmit={submit}
      onClose={onClose}
    >
      <NetworkFields form={form} set={set} />
    </ResourceFormDialog>
  )
}

export function RemoveNetworkDialog({
  network,
  onClose,
}: {
  network: NetworkSummary | null
  onClose: () => void
}) {
  const { call } = useAction()
  return (
    <ResourceConfirmDialog
      opened={network !== null}
      title={network ? `Remove network ${network.name}?` : ''}
      confirmLabel="Remove"
      errorTitle={`Could not remove ${network?.name ?? ''}`}
      onClose={onClose}
      run={async () => {
        if (!network) return
        await call('networks:remove', { id: network.id })
        notifyDone('Network removed', network.name)
      }}
    >
      <Text size="sm">
        {network && network.containerCount > 0
          ? `${network.containerCount} container(s) are attached: disconnect them first or the engine refuses.`
          : 'No container is attached.'}
      </Text>
    </ResourceConfirmDialog>
  )
}

export function PruneNetworksDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { call } = useAction()
  return (
    <ResourceConfirmDialog
      opened={opened}
      title="Prune networks"
      confirmLabel="Prune"
      errorTitle="Could not prune networks"
      onClose={onClose}
      run={async () => {
        const result = await call('networks:prune', {})
        notifyDone(`Removed ${result.deleted.length} networks`, result.deleted.join(', '))
      }}
    >
      <Text size="sm">
        Removes every network no container is attached to (the engine's own stay).
      </Text>
    </ResourceConfirmDialog>
  )
}
