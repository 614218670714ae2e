import type { ReactNode } from 'react'
import {
  Checkbox,
  Fieldset,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core'
import { smtpTlsModes, type SmtpTlsMode, type StackSettingsView } from '../../../../shared/contract'
import { numberRanges, type NumberRange, type SettingsForm } from './settings-model'

const tlsLabels: Record<SmtpTlsMode, string> = {
  auto: 'Auto (STARTTLS when offered, required with a user)',
  starttls: 'Require STARTTLS',
  tls: 'Implicit TLS (port 465)',
  off: 'Off (no user)',
  insecure: 'Off even with a user (password in clear text)',
}

/** Monospace values under proportional labels. */
export const mono = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } }

/** A whole-number input bounded by the contract's range; out-of-range values show an error. */
export const wholeNumber = ({ min, max }: NumberRange) => ({
  min,
  max,
  clampBehavior: 'none' as const,
  allowDecimal: false,
  allowNegative: false,
})

export const asNumber = (value: number | string): number | '' =>
  typeof value === 'number' ? value : value.trim() === '' ? '' : Number(value)

/** Where a field's value comes from: its env variable, or a badge when it overrides the form. */
export type FieldInfo = (path: string) => { description: ReactNode; locked: boolean }

/** What every settings fieldset gets from the editor. */
export interface SettingsFieldProps {
  form: SettingsForm
  info: FieldInfo
  errorOf: (path: string) => string | undefined
  warnings: Record<string, string | undefined>
  edit: (update: (draft: SettingsForm) => SettingsForm) => void
}

type RelayProps = SettingsFieldProps & { view: StackSettingsView }

/** Catcher or a real relay, and the relay's host, port, TLS and login. */
export function RelayFieldset(props: RelayProps) {
  const { form, view, info, edit } = props
  return (
    <Fieldset legend="Mail delivery">
      <Stack gap="sm">
        <SegmentedControl
          w="fit-content"
          role="radiogroup"
          aria-label="Deliver to"
          value={form.smtp.relay ? 'relay' : 'catcher'}
          disabled={info('smtp.host').locked}
          data={[
            { value: 'catcher', label: 'Mail catcher (nothing leaves the machine)' },
            { value: 'relay', label: 'A real SMTP relay' },
          ]}
          onChange={(value) =>
            edit((f) => ({ ...f, smtp: { ...f.smtp, relay: value === 'relay' } }))
          }
        />
        {form.smtp.relay && (
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <RelayServerInputs {...props} />
            <RelayLoginInputs {...props} />
          </SimpleGrid>
        )}
        {form.smtp.relay && (
          <Text size="xs" c="dimmed" data-testid="secrets-note">
            {view.secrets.note}
          </Text>
        )}
      </Stack>
    </Fieldset>
  )
}

/** The relay's host, port and TLS mode. */
function RelayServerInputs({ form, info, errorOf, warnings, edit }: RelayProps) {
  return (
    <>
      <TextInput
        label="Relay host"
        description={info('smtp.host').description}
        disabled={info('smtp.host').locked}
        styles={mono}
        placeholder="smtp.example.com"
        value={form.smtp.host}
        error={errorOf('smtp.host')}
        onChange={(e) => {
          const host = e.currentTarget.value
          edit((f) => ({ ...f, smtp: { ...f.smtp, host } }))
        }}
      />
      <NumberInput
        label="Relay port"
        description={info('smtp.port').description}
        disabled={info('smtp.port').locked}
        styles={mono}
        placeholder={form.smtp.tls === 'tls' ? '465' : '587'}
        {...wholeNumber(numberRanges.smtpPort)}
        value={form.smtp.port}
        error={errorOf('smtp.port')}
        onChange={(value) => edit((f) => ({ ...f, smtp: { ...f.smtp, port: asNumber(value) } }))}
      />
      <Select
        label="TLS"
        description={info('smtp.tls').description}
        disabled={info('smtp.tls').locked}
        allowDeselect={false}
        data={smtpTlsModes.map((mode) => ({ value: mode, label: tlsLabels[mode] }))}
        value={form.smtp.tls}
        error={errorOf('smtp.tls') ?? warnings['smtp.tls']}
        onChange={(value) => value && edit((f) => ({ ...f, smtp: { ...f.smtp, tls: value } }))}
      />
    </>
  )
}

/** The relay's user and password (stored as a secret). */
function RelayLoginInputs({ form, view, info, errorOf, edit }: RelayProps) {
  return (
    <>
      <TextInput
        label="User"
        description={info('smtp.user').description}
        disabled={info('smtp.user').locked}
        autoComplete="off"
        value={form.smtp.user}
        error={errorOf('smtp.user')}
        onChange={(e) => {
          const user = e.currentTarget.value
          edit((f) => ({ ...f, smtp: { ...f.smtp, user } }))
        }}
      />
      <PasswordInput
        label="Password"
        description="kept as a secret, never shown again"
        autoComplete="new-password"
        placeholder={view.smtpPasswordSet ? 'Stored: type to replace it' : 'Not set'}
        disabled={form.forgetPassword}
        value={form.smtpPassword}
        error={errorOf('smtpPassword')}
        onChange={(e) => {
          const smtpPassword = e.currentTarget.value
          edit((f) => ({ ...f, smtpPassword }))
        }}
      />
      {view.smtpPasswordSet && (
        <Checkbox
          mt="xl"
          label="Forget the stored password"
          checked={form.forgetPassword}
          onChange={(e) => {
            const forgetPassword = e.currentTarget.checked
            edit((f) => ({ ...f, forgetPassword, smtpPassword: '' }))
          }}
        />
      )}
    </>
  )
}
