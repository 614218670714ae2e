import { useMemo, useState } from 'react'
import { Alert, Button, Card, FileButton, Group, Stack, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconFileSpreadsheet } from '@tabler/icons-react'
import type {
  BulkSendProgress,
  CsvMapping,
  CsvPreview,
  MaildockError,
} from '../../../../shared/contract'
import { useAction, useStream } from '../../transport/hooks'
import { BulkProgressView } from './BulkProgressView'
import { checkBulkDraft, type BulkTemplate } from './bulk-model'
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
}

/** Bulk send from a CSV file: map the columns, check the first rows, send, see each row's result. */
export function BulkSend() {
  const { call } = useAction()
  const starter = useAction()
  const [file, setFile] = useState<LoadedFile | undefined>()
  const [loadError, setLoadError] = useState<string | undefined>()
  const [mapping, setMapping] = useState<Partial<CsvMapping>>({})
  const [template, setTemplate] = useState<BulkTemplate>({ subject: '', text: '', html: null })
  const [batch, setBatch] = useState<BulkSendProgress | undefined>()
  const check = useMemo(
    () => (file === undefined ? undefined : checkBulkDraft(file.preview, mapping, template)),
    [file, mapping, template],
  )

  const open = (picked: File | null) => {
    if (picked === null) return
    setLoadError(undefined)
    readText(picked)
      .then((csv) =>
        call('mail:csv-preview', { csv, rows: 5 }).then((preview) => {
          setFile({ name: picked.name, csv, preview })
          setMapping(preview.suggested)
          setBatch(undefined)
        }),
      )
      .catch((error: Error) => setLoadError(error.message))
  }

  const start = () => {
    if (file === undefined || check?.mapping === undefined) return
    starter
      .call('mail:bulk-start', {
        csv: file.csv,
        mapping: check.mapping,
        template: {
          subject: template.subject,
          text: template.text,
          ...(template.html === null ? {} : { html: template.html }),
        },
      })
      .then(setBatch, (error: MaildockError) =>
        notifications.show({
          color: 'red',
          title: 'Bulk send not started',
          message: error.message,
        }),
      )
  }

  const batchId = batch?.batchId ?? ''
  useStream(
    'mail:bulk-progress',
    { batchId },
    { data: setBatch },
    batch?.state === 'running' ? batchId : null,
  )

  return (
    <Stack gap="md">
      <Card withBorder padding="md">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={4}>Bulk send from CSV</Title>
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
              used in the subject and text as {'{{column}}'}. Rows with a problem are reported and
              the others still go.
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
                check={check ?? { mapping: undefined, errors: {}, variables: [] }}
              />
              <Group justify="flex-end">
                <Button
                  onClick={start}
                  loading={starter.pending}
                  disabled={check?.mapping === undefined || batch?.state === 'running'}
                  data-testid="bulk-start"
                >
                  Send {file.preview.totalRows} emails
                </Button>
              </Group>
            </>
          )}
        </Stack>
      </Card>
      {batch !== undefined && <BulkProgressView progress={batch} />}
    </Stack>
  )
}
