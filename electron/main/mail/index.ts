// The mail domain's public face: other rooms of main import only this file.
export { createMailServices } from './mail-services'
export type { EmailOutcome, SendLedger, SendRecord, SendRecordRow } from './send-ledger'
export { BULK_BATCH_SIZE, BULK_IN_FLIGHT } from './bulk'
