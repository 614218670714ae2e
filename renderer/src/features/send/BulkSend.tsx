import { useState } from 'react'
import {
  Alert,
  Button,
  Card,
  FileButton,
  Group,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { IconFileSpreadsheet, IconSend } from '@tabler/icons-react'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { BulkCheckSummary } from './BulkCheckSummary'
import { BulkProgressView } from './BulkProgressView'
import { checkSummary } from './bulk-model'
import { CsvMappingForm } from './CsvMappingForm'
import { useBulkSend } from './useBulkSend'

type Bulk = ReturnType<typeof useBulkSend>

/**
 * Bulk send from a CSV file: map the columns, see which rows are valid, confirm, then follow each
 * row to sent or failed. One send per name: a second click never sends a row twice.
 */
export function BulkSend() {
  const bulk = useBulkSend()
  const { file, loadError, name, batch, valid, check } = bulk
  const [confirming, setConfirming] = useState(false)

  return (
    <Stack gap="md">
      <Card withBorder padding="md">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={3} size="h4">
              Bulk send from CSV
            </Title>
            <CsvOpenButton opened={file !== undefined} onOpen={bulk.open} />
          </Group>
          {loadError !== undefined && (
            <Alert color="red" title="Could not read the file" role="alert">
              {loadError}
            </Alert>
          )}
          {file === undefined ? (
            <Text size="sm" c="dimmed">
              The first row names the columns. One column holds the recipient; every column can be
              used in the subject and text as {'{{column}}'}. Every row is checked before anything
              is sent: rows with a problem are listed and skipped, the others go.
            </Text>
          ) : (
            <BulkDraft bulk={bulk} confirming={confirming} onSend={() => setConfirming(true)} />
          )}
        </Stack>
      </Card>
      <ConfirmDialog
        opened={confirming}
        title={`Send ${valid} email${valid === 1 ? '' : 's'}?`}
        confirmLabel="Send now"
        color="blue"
        closeOnClickOutside={false}
        onConfirm={bulk.start}
        onClose={() => setConfirming(false)}
      >
        <Text size="sm" data-testid="bulk-confirm-text">
          {check.data === undefined ? '' : checkSummary(check.data)}. The emails go out through the
          stack as <b>{name}</b>; this cannot be undone.
        </Text>
      </ConfirmDialog>
      {batch !== undefined && <BulkProgressView progress={batch} />}
    </Stack>
  )
}

function CsvOpenButton({
  opened,
  onOpen,
}: {
  opened: boolean
  onOpen: (file: File | null) => void
}) {
  return (
    <FileButton onChange={onOpen} accept=".csv,text/csv,text/plain">
      {(props) => (
        <Button
          {...props}
          variant={opened ? 'default' : 'filled'}
          leftSection={<IconFileSpreadsheet size={16} />}
          data-testid="csv-open"
        >
          {opened ? 'Open another file' : 'Open a CSV file'}
        </Button>
      )}
    </FileButton>
  )
}

/** The opened file: its mapping and template, the send name, the check, and the send button. */
function BulkDraft({
  bulk,
  confirming,
  onSend,
}: {
  bulk: Bulk
  confirming: boolean
  onSend: () => void
}) {
  const { file, draft, check, name, nameError, batch } = bulk
  if (file === undefined) return null
  return (
    <>
      <Text size="sm" ff="monospace">
        {file.name}
      </Text>
      <CsvMappingForm
        preview={file.preview}
        mapping={bulk.mapping}
        onMapping={bulk.setMapping}
        template={bulk.template}
        onTemplate={bulk.setTemplate}
        check={draft ?? { mapping: undefined, errors: {}, variables: [] }}
      />
      <TextInput
        label="Send name"
        description="Each email carries it as a tag (the Mailbox filters by it); the delivery report is kept under it."
        value={name}
        onChange={(event) => bulk.setName(event.currentTarget.value)}
        error={nameError}
        disabled={batch !== undefined}
        data-testid="bulk-name-input"
      />
      <BulkCheckSummary check={check.data} error={check.error} loading={check.loading} />
      <Group justify="flex-end">
        <BulkStartButton bulk={bulk} confirming={confirming} onSend={onSend} />
      </Group>
    </>
  )
}

function BulkStartButton({
  bulk,
  confirming,
  onSend,
}: {
  bulk: Bulk
  confirming: boolean
  onSend: () => void
}) {
  const { batch, valid, ready, again } = bulk
  if (batch === undefined)
    return (
      <Button
        leftSection={<IconSend size={16} />}
        onClick={onSend}
        disabled={!ready || confirming}
        data-testid="bulk-start"
      >
        Send {valid} email{valid === 1 ? '' : 's'}
      </Button>
    )
  if (batch.state === 'running')
    return (
      <Button loading disabled data-testid="bulk-start">
        Sending…
      </Button>
    )
  return (
    <Button variant="default" onClick={again} data-testid="bulk-again">
      New send of this file
    </Button>
  )
}
