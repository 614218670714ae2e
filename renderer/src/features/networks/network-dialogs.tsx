import { useState } from 'react'
import {
  Button,
  Checkbox,
  Group,
  Modal,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core'
import type { NetworkSummary } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { parseKeyValues } from '../../ui/format'
import { notifyDone, notifyError } from '../../ui/notify'

const DRIVERS = ['bridge', 'overlay', 'macvlan', 'ipvlan']

export function CreateNetworkDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { call } = useAction()
  const [name, setName] = useState('')
  const [driver, setDriver] = useState('bridge')
  const [subnet, setSubnet] = useState('')
  const [gateway, setGateway] = useState('')
  const [internal, setInternal] = useState(false)
  const [attachable, setAttachable] = useState(false)
  const [labels, setLabels] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = () => {
    setBusy(true)
    const parsed = parseKeyValues(labels)
    call('networks:create', {
      name: name.trim(),
      driver,
      internal,
      attachable,
      ...(subnet.trim() ? { subnet: subnet.trim() } : {}),
      ...(gateway.trim() ? { gateway: gateway.trim() } : {}),
      ...(Object.keys(parsed).length ? { labels: parsed } : {}),
    })
      .then((network) => {
        notifyDone(
          'Network created',
          `${network.name} (${network.subnets.map((s) => s.subnet).join(', ') || network.driver})`,
        )
        onClose()
      })
      .catch((error: unknown) => notifyError('Could not create the network', error))
      .finally(() => setBusy(false))
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Create a network" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          submit()
        }}
      >
        <Stack gap="sm">
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            data-autofocus
          />
          <Select
            label="Driver"
            data={DRIVERS}
            value={driver}
            onChange={(value) => setDriver(value ?? 'bridge')}
            allowDeselect={false}
          />
          <Group grow>
            <TextInput
              label="Subnet"
              placeholder="172.30.0.0/24 (optional)"
              ff="monospace"
              value={subnet}
              onChange={(e) => setSubnet(e.currentTarget.value)}
            />
            <TextInput
              label="Gateway"
              placeholder="172.30.0.1 (optional)"
              ff="monospace"
              value={gateway}
              onChange={(e) => setGateway(e.currentTarget.value)}
            />
          </Group>
          <Checkbox
            label="Internal (no access to the outside)"
            checked={internal}
            onChange={(e) => setInternal(e.currentTarget.checked)}
          />
          <Checkbox
            label="Attachable"
            checked={attachable}
            onChange={(e) => setAttachable(e.currentTarget.checked)}
          />
          <Textarea
            label="Labels"
            placeholder="team=mail"

            rows={3}
            ff="monospace"
            value={labels}
            onChange={(e) => setLabels(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!name.trim()}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
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
    <ConfirmDialog
      opened={network !== null}
      title={network ? `Remove network ${network.name}?` : ''}
      confirmLabel="Remove"
      onClose={onClose}
      onConfirm={async () => {
        if (!network) return
        try {
          await call('networks:remove', { id: network.id })
          notifyDone('Network removed', network.name)
        } catch (error) {
          notifyError(`Could not remove ${network.name}`, error)
          throw error
        }
      }}
    >
      <Text size="sm">
        {network && network.containerCount > 0
          ? `${network.containerCount} container(s) are attached: disconnect them first or the engine refuses.`
          : 'No container is attached.'}
      </Text>
    </ConfirmDialog>
  )
}

export function PruneNetworksDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { call } = useAction()
  return (
    <ConfirmDialog
      opened={opened}
      title="Prune networks"
      confirmLabel="Prune"
      onClose={onClose}
      onConfirm={async () => {
        try {
          const result = await call('networks:prune', {})
          notifyDone(`Removed ${result.deleted.length} networks`, result.deleted.join(', '))
        } catch (error) {
          notifyError('Could not prune networks', error)
          throw error
        }
      }}
    >
      <Text size="sm">
        Removes every network no container is attached to (the engine's own stay).
      </Text>
    </ConfirmDialog>
  )
}
