// The mailbox domain's public face: the mail catcher's REST API behind the contract.
export { CatcherClient } from './catcher-client'
export { mailboxHandlers, type CatcherSource } from './mailbox-handlers'
