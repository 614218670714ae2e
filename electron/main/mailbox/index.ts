// The mailbox domain's public face: the mail catcher's REST API behind the contract.
export { mailboxHandlers } from './mailbox-handlers'
export { caughtEmailIds, sendSearch } from './caught'
export { serveMessageDocument, type MessageDocument } from './message-document'
