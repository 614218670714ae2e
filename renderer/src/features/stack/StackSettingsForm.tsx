import { useEffect, useMemo, useState } from 'react'
import {
  Alert,
  Badge,
  Button,
  Code,
  Fieldset,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core'
import { IconInfoCircle } from '@tabler/icons-react'
import type { StackSettingsView } from '../../../../shared/contract'
import { useClient } from '../../transport/client'
import { errorMessage, notifyDone, notifyError } from '../../ui/notify'
import {
  affectedServices,
  formFromSettings,
  formWarnings,
  isEmptyChange,
  overriddenBy,
  patchOf,
  portKeys,
  portLabels,
  validateForm,
  type SettingsForm,
} from './settings-model'
import { serviceLabels } from './stack-model'
import { asNumber, mono, RelayFieldset, type FieldInfo } from './RelayFieldset'

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

function SettingsEditor({
  view,
  onSaved,
}: {
  view: StackSettingsView
  onSaved: (view: StackSettingsView) => void
}) {
  const client = useClient()
  const [form, setForm] = useState<SettingsForm>(() => formFromSettings(view.settings))
  const [touched, setTouched] = useState(false)
  const [saving, setSaving] = useState(false)
  const info = useFieldInfo(view)
  const errors = useMemo(() => validateForm(form), [form])
  const warnings = useMemo(() => formWarnings(form), [form])
  const change = useMemo(() => patchOf(form, view.settings), [form, view.settings])
  const affected = affectedServices(change, view.settings)
  const invalid = Object.keys(errors).length > 0
  const unchanged = isEmptyChange(change)
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

  const imageInput = (key: keyof SettingsForm['images'], label: string) => {
    const field = info(`images.${key}`)
    return (
      <TextInput
        label={label}
        description={field.description}
        disabled={field.locked}
        styles={mono}
        value={form.images[key]}
        error={errorOf(`images.${key}`)}
        onChange={(e) => {
          const value = e.currentTarget.value
          edit((f) => ({ ...f, images: { ...f.images, [key]: value } }))
        }}
      />
    )
  }

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

      <Fieldset legend="Images">
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          {imageInput('broker', 'Broker (RabbitMQ with management)')}
          {imageInput('node', 'Node base of api, emailer, logger')}
          {imageInput('catcher', 'Mail catcher (SMTP 1025, UI 8025)')}
        </SimpleGrid>
      </Fieldset>

      <Fieldset legend="Published ports on 127.0.0.1 (0: any free port)">
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          {portKeys.map((key) => {
            const field = info(`ports.${key}`)
            return (
              <NumberInput
                key={key}
                label={portLabels[key]}
                description={field.description}
                disabled={field.locked}
                styles={mono}
                min={0}
                max={65_535}
                clampBehavior="none"
                allowDecimal={false}
                allowNegative={false}
                value={form.ports[key]}
                error={errorOf(`ports.${key}`) ?? warnings[`ports.${key}`]}
                onChange={(value) =>
                  edit((f) => ({ ...f, ports: { ...f.ports, [key]: asNumber(value) } }))
                }
              />
            )
          })}
        </SimpleGrid>
      </Fieldset>

      <RelayFieldset
        form={form}
        view={view}
        info={info}
        errorOf={errorOf}
        warnings={warnings}
        edit={edit}
      />

      <Fieldset legend="Services">
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <NumberInput
            label="Emailer replicas"
            description={info('emailerReplicas').description}
            disabled={info('emailerReplicas').locked}
            min={0}
            max={20}
            clampBehavior="none"
            allowDecimal={false}
            allowNegative={false}
            value={form.emailerReplicas}
            error={errorOf('emailerReplicas')}
            onChange={(value) => edit((f) => ({ ...f, emailerReplicas: asNumber(value) }))}
          />
          <NumberInput
            label="Health time-out (s)"
            description={info('healthTimeoutSeconds').description}
            disabled={info('healthTimeoutSeconds').locked}
            min={1}
            max={3_600}
            clampBehavior="none"
            allowDecimal={false}
            allowNegative={false}
            value={form.healthTimeoutSeconds}
            error={errorOf('healthTimeoutSeconds')}
            onChange={(value) => edit((f) => ({ ...f, healthTimeoutSeconds: asNumber(value) }))}
          />
        </SimpleGrid>
      </Fieldset>

      <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} p="xs">
        <Text size="sm" data-testid="settings-impact">
          Saving changes nothing that runs. The next Start re-creates only the services a change
          affects and leaves the others running
          {unchanged
            ? '.'
            : affected.length > 0
              ? `: this change re-creates ${affected.map((s) => serviceLabels[s]).join(', ')}.`
              : ': this change re-creates none.'}
        </Text>
      </Alert>

      <Group gap="xs">
        <Button
          onClick={save}
          loading={saving}
          disabled={unchanged || invalid}
          data-testid="settings-save"
        >
          Save
        </Button>
        <Button
          variant="default"
          disabled={saving || (!touched && unchanged)}
          onClick={() => {
            setForm(formFromSettings(view.settings))
            setTouched(false)
          }}
        >
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
    </Stack>
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
