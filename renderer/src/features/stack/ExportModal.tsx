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
  SegmentedControl,
  Select,
  Stack,
  Tabs,
  Text,
} from '@mantine/core'
import { IconCheck, IconCopy, IconDownload } from '@tabler/icons-react'
import type { ExportTarget, StackExport } from '../../../../shared/contract'
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
      {/* One scrolling region, focusable so the keyboard can scroll it (axe: scrollable-region-focusable). */}
      <Code
        block
        tabIndex={0}
        mah={380}
        style={{ overflow: 'auto' }}
        aria-label={label}
        data-testid={`export-${label}`}
      >
        {text}
      </Code>
    </Stack>
  )
}

const TARGETS: Array<{ value: ExportTarget; label: string }> = [
  { value: 'compose', label: 'Compose' },
  { value: 'swarm', label: 'Docker Swarm' },
  { value: 'kubernetes', label: 'Kubernetes' },
]

const NOTES: Record<ExportTarget, string> = {
  compose: 'Runs the same stack without MailDock, on one machine.',
  swarm:
    'A swarm stack: secrets as Docker secrets, a three-node broker cluster when the queue type is quorum.',
  kubernetes:
    'A kustomize folder: the broker as a RabbitmqCluster (or a plain StatefulSet), optional KEDA scaling. Secrets are named only.',
}

function HowToRun({ data }: { data: StackExport }) {
  return (
    <Stack gap={4} data-testid="export-how-to-run">
      <Text size="sm" fw={600}>
        How to run it
      </Text>
      <List size="sm" type="ordered" spacing={2}>
        {data.howToRun.map((step) => (
          <List.Item key={step}>
            <Code>{step}</Code>
          </List.Item>
        ))}
      </List>
    </Stack>
  )
}

function ComposeTabs({ data }: { data: StackExport }) {
  return (
    <Tabs defaultValue="compose" keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="compose">compose.yaml</Tabs.Tab>
        <Tabs.Tab value="env">.env</Tabs.Tab>
        <Tabs.Tab value="variables">Variables ({data.variables.length})</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="compose" pt="xs">
        <FileView text={data.compose} fileName="compose.yaml" type="text/yaml" label="compose" />
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
  )
}

/** Swarm and Kubernetes exports are folders: pick a file to read, copy or download. */
function FolderView({ data }: { data: StackExport }) {
  const [path, setPath] = useState<string | null>(null)
  const file = data.files.find((f) => f.path === path) ?? data.files[0]
  if (file === undefined) return null
  return (
    <Stack gap="xs">
      <Select
        size="xs"
        label={`File (${data.files.length})`}
        data={data.files.map((f) => ({
          value: f.path,
          label: f.secret ? `${f.path} (secrets)` : f.path,
        }))}
        value={file.path}
        onChange={setPath}
        allowDeselect={false}
      />
      <FileView
        text={file.content}
        fileName={file.path.replaceAll('/', '_')}
        type="text/plain"
        label="file"
      />
    </Stack>
  )
}

/**
 * The stack as a compose file (and the .env it reads), a swarm stack or a kustomize folder, to
 * run without MailDock. Secrets are left out unless asked for.
 */
export function ExportModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [includeSecrets, setIncludeSecrets] = useState(false)
  const [target, setTarget] = useState<ExportTarget>('compose')
  const [ingress, setIngress] = useState(false)
  const swarmPorts = ingress ? 'ingress' : 'host'
  const result = useCall(
    'stack:export',
    { includeSecrets, target, swarmPorts },
    { enabled: opened },
  )
  const data = result.data

  return (
    <Modal opened={opened} onClose={onClose} title="Export the stack" size="xl">
      <Stack gap="sm">
        <SegmentedControl
          aria-label="Export target"
          data={TARGETS}
          value={target}
          onChange={setTarget}
        />
        <Text size="sm" c="dimmed">
          {NOTES[target]}
        </Text>
        <Checkbox
          size="xs"
          label={
            target === 'compose'
              ? 'Write the broker and SMTP passwords into the .env file'
              : 'Write the passwords into create-secrets.sh'
          }
          checked={includeSecrets}
          onChange={(e) => setIncludeSecrets(e.currentTarget.checked)}
        />
        {target === 'swarm' && (
          <Checkbox
            size="xs"
            label="Ingress ports and virtual IPs (the routing mesh; needs IPVS in every node's kernel). Unchecked: DNS round robin and ports on the node running the task"
            checked={ingress}
            onChange={(e) => setIngress(e.currentTarget.checked)}
          />
        )}
        {result.error && (
          <Alert color="red" title="Could not export" role="alert">
            {result.error.message}
          </Alert>
        )}
        {result.loading && (
          <Text size="sm" c="dimmed" data-testid="export-loading">
            Preparing the export…
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
        {data && <HowToRun data={data} />}
        {data &&
          (data.target === 'compose' ? <ComposeTabs data={data} /> : <FolderView data={data} />)}
      </Stack>
    </Modal>
  )
}
