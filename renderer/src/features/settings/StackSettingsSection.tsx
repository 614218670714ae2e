import { StackSettingsForm } from '../stack/StackSettingsForm'

/** The stack's settings, the same form as the Stack panel's Settings tab. */
export function StackSettingsSection() {
  return <StackSettingsForm />
}
