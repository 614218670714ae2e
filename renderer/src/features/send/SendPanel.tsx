import { Group, Stack, Tabs, Title } from '@mantine/core'
import { BrokerStatusBadge } from '../../ui/BrokerStatusBadge'
import { BulkSend } from './BulkSend'
import { ComposeForm } from './ComposeForm'

export function SendPanel() {
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Send</Title>
        <BrokerStatusBadge />
      </Group>
      <Tabs defaultValue="compose" keepMounted>
        <Tabs.List>
          <Tabs.Tab value="compose">Compose</Tabs.Tab>
          <Tabs.Tab value="bulk">Bulk from CSV</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="compose" pt="md">
          <ComposeForm />
        </Tabs.Panel>
        <Tabs.Panel value="bulk" pt="md">
          <BulkSend />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}
