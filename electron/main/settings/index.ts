// The settings domain's public face: other rooms of main import only this file.
export { dataDirFrom } from './data-dir'
export {
  FileSecretStore,
  MemorySecretStore,
  readSecretsFile,
  writeSecretsFile,
  type SecretStore,
} from './secrets'
export { EXTRA_LABELS_ENV, SMTP_PASSWORD_ENV } from './setting-fields'
export { StackSettingsStore, type LoadedSettings } from './stack-settings'
