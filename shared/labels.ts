/** Every label MailDock puts on the resources it creates: the app, the stack's image builds and the tests use this one list. */
export const LABELS = {
  stack: 'maildock.stack',
  service: 'maildock.service',
  replica: 'maildock.replica',
  configHash: 'maildock.config-hash',
  contextHash: 'maildock.context-hash',
  /** Every resource a test creates (removed afterwards). */
  test: 'maildock.test',
} as const
