import { useMemo, useRef, useState } from 'react'
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
import type { BulkSendProgress, CsvMapping, CsvPreview } from '../../../../shared/contract'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { notifyError } from '../../ui/notify'
import { useAction, useLoader, useStream } from '../../transport/hooks'
import { BulkCheckSummary } from './BulkCheckSummary'
import { BulkProgressView } from './BulkProgressView'
import {
  checkBulkDraft,
  checkSummary,
  defaultSendName,
  sendNameError,
  type BulkTemplate,
} from './bulk-model'
import { CsvMappingForm } from './CsvMappingForm'

/** FileReader rather than Blob.text(): it works in every engine the renderer runs in. */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '')
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}`))
    reader.readAsText(file)
  })
}

interface LoadedFile {
  name: string
  csv: string
  preview: CsvPreview
  /** Counts files opened, so that the same file opened again is checked again. */
  version: number
}

const toTemplate = (template: BulkTemplate) => ({
  subject: template.subject,
  text: template.text,
  ...(template.html === null ? {} : { html: template.html }),
})

/**
 * Bulk send from a CSV file: map the columns, see which rows are valid, confirm, then follow each
 * row to sent or failed. One send per name: a second click never sends a row twice.
 */
export function BulkSend() {
  const { call } = useAction()
  const [file, setFile] = useState<LoadedFile | undefined>()
  const [loadError, setLoadError] = useState<string | undefined>()
  const [mapping, setMapping] = useState<Partial<CsvMapping>>({})
  const [template, setTemplate] = useState<BulkTemplate>({ subject: '', text: '', html: null })
  const [name, setName] = useState('')
  const [batch, setBatch] = useState<BulkSendProgress | undefined>()
  const [confirming, setConfirming] = useState(false)
  /** The name a send was started with: that name is never started again from this form. */
  const startedName = useRef<string | undefined>(undefined)
  const draft = useMemo(
    () => (file === undefined ? undefined : checkBulkDraft(file.preview, mapping, template)),
    [file, mapping, template],
  )
  const checkInput =
    file === undefined || draft?.mapping === undefined
      ? undefined
      : { csv: file.csv, mapping: draft.mapping, template: toTemplate(template) }
  const check = useLoader(
    (client) =>
      checkInput === undefined
        ? Promise.reject(new Error('no draft'))
        : client.call('mail:bulk-check', checkInput),
    checkInput === undefined
      ? null
      : JSON.stringify([file?.version, checkInput.mapping, checkInput.template]),
  )

  const open = (picked: File | null) => {
    if (picked === null) return
    setLoadError(undefined)
    readText(picked)
      .then((csv) =>
        call('mail:csv-preview', { csv, rows: 5 }).then((preview) => {
          setFile((old) => ({ name: picked.name, csv, preview, version: (old?.version ?? 0) + 1 }))
          setMapping(preview.suggested)
          setName(defaultSendName(picked.name))
          setBatch(undefined)
        }),
      )
      .catch((error: Error) => setLoadError(error.message))
  }

  const start = async (): Promise<void> => {
    if (checkInput === undefined || startedName.current === name) return
    startedName.current = name
    try {
      setBatch(await call('mail:bulk-start', { ...checkInput, name }))
    } catch (error) {
      startedName.current = undefined
      notifyError('Bulk send not started', error)
      throw error
    }
  }

  /** A new send of the same file: a new name, so its rows get new keys. */
  const again = () => {
    setBatch(undefined)
    if (file !== undefined) setName(defaultSendName(file.name))
  }

  const batchId = batch?.batchId ?? ''
  useStream(
    'mail:bulk-progress',
    { batchId },
    { data: setBatch },
    batch?.state === 'running' ? batchId : null,
  )
  const nameError = sendNameError(name)
  const valid = check.data?.valid ?? 0
  const ready = check.data !== undefined && valid > 0 && nameError === undefined

  return (
    <Stack gap="md">
      <Card withBorder padding="md">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={3} size="h4">
              Bulk send from CSV
            </Title>
            <FileButton onChange={open} accept=".csv,text/csv,text/plain">
              {(props) => (
                <Button
                  {...props}
                  variant={file === undefined ? 'filled' : 'default'}
                  leftSection={<IconFileSpreadsheet size={16} />}
                  data-testid="csv-open"
                >
                  {file === undefined ? 'Open a CSV file' : 'Open another file'}
                </Button>
              )}
            </FileButton>
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
            <>
              <Text size="sm" ff="monospace">
                {file.name}
              </Text>
              <CsvMappingForm
                preview={file.preview}
                mapping={mapping}
                onMapping={setMapping}
                template={template}
                onTemplate={setTemplate}
                check={draft ?? { mapping: undefined, errors: {}, variables: [] }}
              />
              <TextInput
                label="Send name"
                description="Each email carries it as a tag (the Mailbox filters by it); the delivery report is kept under it."
                value={name}
                onChange={(event) => setName(event.currentTarget.value)}
                error={nameError}
                disabled={batch !== undefined}
                data-testid="bulk-name-input"
              />
              <BulkCheckSummary check={check.data} error={check.error} loading={check.loading} />
              <Group justify="flex-end">
                {batch === undefined ? (
                  <Button
                    leftSection={<IconSend size={16} />}
                    onClick={() => setConfirming(true)}
                    disabled={!ready || confirming}
                    data-testid="bulk-start"
                  >
                    Send {valid} email{valid === 1 ? '' : 's'}
                  </Button>
                ) : batch.state === 'running' ? (
                  <Button loading disabled data-testid="bulk-start">
                    Sending…
                  </Button>
                ) : (
                  <Button variant="default" onClick={again} data-testid="bulk-again">
                    New send of this file
                  </Button>
                )}
              </Group>
            </>
          )}
        </Stack>
      </Card>
      <ConfirmDialog
        opened={confirming}
        title={`Send ${valid} email${valid === 1 ? '' : 's'}?`}
        confirmLabel="Send now"
        color="blue"
        closeOnClickOutside={false}
        onConfirm={start}
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
