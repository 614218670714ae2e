import { engineSection, type SettingsSection } from '../features/settings/SettingsPanel'
import { StackSettingsForm } from '../features/stack/StackSettingsForm'

/** The Settings panel's sections: each domain's own form, composed here. */
export const settingsSections: SettingsSection[] = [
  engineSection,
  {
    id: 'stack',
    title: 'Stack',
    description: 'Images, published ports, mail delivery and replicas of the one-click stack.',
    // The same form as the Stack panel's Settings tab.
    Component: StackSettingsForm,
  },
]
