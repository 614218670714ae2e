import { useMemo, useRef, useState } from 'react'
import type { BulkSendProgress, CsvMapping, CsvPreview } from '../../../../shared/contract'
import { notifyError } from '../../ui/notify'
import { useAction, useLoader, useStream } from '../../transport/hooks'
import { checkBulkDraft, defaultSendName, sendNameError, type BulkTemplate } from './bulk-model'

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

/** The local check of the mapping and template, then main's check of every row. */
function useBulkCheck(
  file: LoadedFile | undefined,
  mapping: Partial<CsvMapping>,
  template: BulkTemplate,
) {
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
  return { draft, checkInput, check }
}

/** The file, its mapping and template, the send name, and the running send with its progress. */
export function useBulkSend() {
  const { call } = useAction()
  const [file, setFile] = useState<LoadedFile | undefined>()
  const [loadError, setLoadError] = useState<string | undefined>()
  const [mapping, setMapping] = useState<Partial<CsvMapping>>({})
  const [template, setTemplate] = useState<BulkTemplate>({ subject: '', text: '', html: null })
  const [name, setName] = useState('')
  const [batch, setBatch] = useState<BulkSendProgress | undefined>()
  /** The name a send was started with: that name is never started again from this form. */
  const startedName = useRef<string | undefined>(undefined)
  const { draft, checkInput, check } = useBulkCheck(file, mapping, template)

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
  return {
    file,
    loadError,
    open,
    mapping,
    setMapping,
    template,
    setTemplate,
    draft,
    check,
    name,
    setName,
    nameError,
    batch,
    valid,
    ready,
    start,
    again,
  }
}
