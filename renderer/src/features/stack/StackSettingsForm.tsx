import { useEffect, useMemo, useState } from 'react'
import { Alert, Badge, Button, Code, Group, Stack, Text } from '@mantine/core'
import { IconInfoCircle } from '@tabler/icons-react'
import type { StackServiceName, StackSettingsView } from '../../../../shared/contract'
import { useClient } from '../../transport/client'
import { errorMessage, notifyDone, notifyError } from '../../ui/notify'
import {
  affectedServices,
  formFromSettings,
  formWarnings,
  isEmptyChange,
  overriddenBy,
  patchOf,
  validateForm,
  type SettingsForm,
} from './settings-model'
import { serviceLabels } from './stack-model'
import { RelayFieldset, type FieldInfo } from './RelayFieldset'
import { ImagesFieldset, PortsFieldset, ServicesFieldset } from './SettingsFieldsets'

/** The env var that sets a field, and a badge when it overrides the form. */
function useFieldInfo(view: StackSettingsView): FieldInfo {
  return (path) => {
    const field = view.fields.find((f) => f.path === path)
    const over = overriddenBy(view, path)
    if (over)
      return {
        locked: true,
        description: (
          <Badge size="xs" color="orange" variant="light" component="span">
            set by {over.source === 'env' ? over.env : '--config'}
          </Badge>
        ),
      }
    return { locked: false, description: field ? field.env : undefined }
  }
}

type Change = ReturnType<typeof patchOf>

/** The form's state, its checks against the contract, and saving. */
function useSettingsEditor(view: StackSettingsView, onSaved: (view: StackSettingsView) => void) {
  const client = useClient()
  const [form, setForm] = useState<SettingsForm>(() => formFromSettings(view.settings))
  const [touched, setTouched] = useState(false)
  const [saving, setSaving] = useState(false)
  const errors = useMemo(() => validateForm(form), [form])
  const warnings = useMemo(() => formWarnings(form, view.settings), [form, view.settings])
  const change = useMemo(() => patchOf(form, view.settings), [form, view.settings])
  const affected = affectedServices(change, view.settings)
  // Errors show once the user has changed something, not on a fresh form.
  const errorOf = (path: string) => (touched ? errors[path] : undefined)

  const edit = (update: (draft: SettingsForm) => SettingsForm) => {
    setTouched(true)
    setForm(update)
  }

  const save = () => {
    setSaving(true)
    client
      .call('stack:settings-set', change)
      .then((next) => {
        notifyDone(
          'Stack settings saved',
          affected.length > 0
            ? `The next Start re-creates: ${affected.map((s) => serviceLabels[s]).join(', ')}.`
            : 'Nothing running needs to change.',
        )
        onSaved(next)
      })
      .catch((error: unknown) => notifyError('Could not save the stack settings', error))
      .finally(() => setSaving(false))
  }

  const reset = () => {
    setForm(formFromSettings(view.settings))
    setTouched(false)
  }

  return {
    form,
    edit,
    errorOf,
    warnings,
    change,
    affected,
    touched,
    saving,
    invalid: Object.keys(errors).length > 0,
    save,
    reset,
  }
}

function SettingsEditor({
  view,
  onSaved,
}: {
  view: StackSettingsView
  onSaved: (view: StackSettingsView) => void
}) {
  const editor = useSettingsEditor(view, onSaved)
  const info = useFieldInfo(view)
  const fields = { ...editor, info }

  return (
    <Stack gap="md" data-testid="stack-settings-form">
      {view.problems.length > 0 && (
        <Alert color="yellow" title="Some settings were skipped" p="xs">
          {view.problems.map((p) => (
            <Text key={p} size="sm">
              {p}
            </Text>
          ))}
        </Alert>
      )}
      <Group gap="xs">
        <Text size="sm">Stack name</Text>
        <Code>{view.settings.stackName}</Code>
        <Text size="xs" c="dimmed">
          prefix of every container, network and volume (MAILDOCK_STACK_NAME)
        </Text>
      </Group>
      <ImagesFieldset {...fields} />
      <PortsFieldset {...fields} />
      <RelayFieldset {...fields} view={view} />
      <ServicesFieldset {...fields} />
      <SettingsImpact change={editor.change} affected={editor.affected} />
      <SettingsActions view={view} editor={editor} />
    </Stack>
  )
}

function SettingsImpact({ change, affected }: { change: Change; affected: StackServiceName[] }) {
  return (
    <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} p="xs">
      <Text size="sm" data-testid="settings-impact">
        Saving changes nothing that runs. The next Start re-creates only the services a change
        affects and leaves the others running
        {isEmptyChange(change)
          ? '.'
          : affected.length > 0
            ? `: this change re-creates ${affected.map((s) => serviceLabels[s]).join(', ')}.`
            : ': this change re-creates none.'}
      </Text>
    </Alert>
  )
}

/** Save and Reset, why Save is off, and the file the settings go to. */
function SettingsActions({
  view,
  editor,
}: {
  view: StackSettingsView
  editor: ReturnType<typeof useSettingsEditor>
}) {
  const { save, reset, saving, touched, invalid, change } = editor
  const unchanged = isEmptyChange(change)
  return (
    <Group gap="xs">
      <Button
        onClick={save}
        loading={saving}
        disabled={unchanged || invalid}
        data-testid="settings-save"
      >
        Save
      </Button>
      <Button variant="default" disabled={saving || (!touched && unchanged)} onClick={reset}>
        Reset
      </Button>
      {touched && invalid && (
        <Text size="sm" c="red" data-testid="settings-invalid">
          Fix the fields in red to save.
        </Text>
      )}
      <Text size="xs" c="dimmed" ml="auto">
        Saved to <Code>{view.files.settings}</Code>
        {view.files.config && (
          <>
            {' '}
            (also read: <Code>{view.files.config}</Code>)
          </>
        )}
      </Text>
    </Group>
  )
}

/** The stack's settings: images, ports, SMTP relay, replicas; values set by env are locked. */
export function StackSettingsForm() {
  const client = useClient()
  const [view, setView] = useState<StackSettingsView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    let current = true
    client.call('stack:settings-get', {}).then(
      (next) => current && setView(next),
      (failure: unknown) => current && setError(errorMessage(failure)),
    )
    return () => {
      current = false
    }
  }, [client, attempt])
  if (error && !view)
    return (
      <Alert color="red" title="Could not read the stack settings" role="alert">
        <Stack gap={6}>
          <Text size="sm">{error}</Text>
          <Group>
            <Button
              size="xs"
              variant="light"
              color="red"
              onClick={() => {
                setError(null)
                setAttempt((a) => a + 1)
              }}
            >
              Try again
            </Button>
          </Group>
        </Stack>
      </Alert>
    )
  if (!view)
    return (
      <Text size="sm" c="dimmed" data-testid="list-loading">
        Loading the stack settings…
      </Text>
    )
  return (
    <SettingsEditor
      key={JSON.stringify(view.settings) + String(view.smtpPasswordSet)}
      view={view}
      onSaved={setView}
    />
  )
}
