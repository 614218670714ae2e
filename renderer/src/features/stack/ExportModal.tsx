import { useState } from 'react'
import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  List,
  Modal,
  ScrollArea,
  Stack,
  Tabs,
  Text,
} from '@mantine/core'
import { IconCheck, IconCopy, IconDownload } from '@tabler/icons-react'
import { useCall } from '../../transport/hooks'
import { saveText } from '../../ui/download'

function FileView({
  text,
  fileName,
  type,
  label,
}: {
  text: string
  fileName: string
  type: string
  label: string
}) {
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <CopyButton value={text}>
          {({ copied, copy }) => (
            <Button
              size="xs"
              variant="light"
              color={copied ? 'green' : undefined}
              leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
              onClick={copy}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconDownload size={14} />}
          onClick={() => saveText(fileName, text, type)}
        >
          Download {fileName}
        </Button>
      </Group>
      <ScrollArea h={380} type="auto">
        <Code block aria-label={label} data-testid={`export-${label}`}>
          {text}
        </Code>
      </ScrollArea>
    </Stack>
  )
}

/**
 * The stack as a compose file (and the .env it reads), for `docker compose up` or
 * `docker stack deploy` without MailDock. Secrets are left out unless asked for.
 */
export function ExportModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [includeSecrets, setIncludeSecrets] = useState(false)
  const result = useCall('stack:export', { includeSecrets }, { enabled: opened })
  const data = result.data

  return (
    <Modal opened={opened} onClose={onClose} title="Export as compose file" size="xl">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          Runs the same stack without MailDock: <Code>docker compose up -d</Code> next to both
          files, or <Code>docker stack deploy -c compose.yaml {data?.project ?? 'maildock'}</Code>{' '}
          on a Swarm (it reads <Code>deploy.replicas</Code>).
        </Text>
        <Checkbox
          size="xs"
          label="Write the broker and SMTP passwords into the .env file"
          checked={includeSecrets}
          onChange={(e) => setIncludeSecrets(e.currentTarget.checked)}
        />
        {result.error && (
          <Alert color="red" title="Could not export" role="alert">
            {result.error.message}
          </Alert>
        )}
        {result.loading && (
          <Text size="sm" c="dimmed" data-testid="export-loading">
            Preparing the compose file…
          </Text>
        )}
        {data && data.warnings.length > 0 && (
          <Alert color="yellow" p="xs">
            <List size="sm">
              {data.warnings.map((w) => (
                <List.Item key={w}>{w}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        {data && (
          <Tabs defaultValue="compose" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="compose">compose.yaml</Tabs.Tab>
              <Tabs.Tab value="env">.env</Tabs.Tab>
              <Tabs.Tab value="variables">Variables ({data.variables.length})</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="compose" pt="xs">
              <FileView
                text={data.compose}
                fileName="compose.yaml"
                type="text/yaml"
                label="compose"
              />
            </Tabs.Panel>
            <Tabs.Panel value="env" pt="xs">
              <FileView text={data.env} fileName=".env" type="text/plain" label="env" />
            </Tabs.Panel>
            <Tabs.Panel value="variables" pt="xs">
              <List size="sm" spacing={4}>
                {data.variables.map((v) => (
                  <List.Item key={v.name}>
                    <Code>{v.name}</Code> {v.secret ? '(secret) ' : ''}
                    {v.description}
                  </List.Item>
                ))}
              </List>
            </Tabs.Panel>
          </Tabs>
        )}
      </Stack>
    </Modal>
  )
}
