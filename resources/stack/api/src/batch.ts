import {
  BATCH_KEY_FIELD,
  summarizeBatch,
  type BatchItemResult,
  type BatchResponse,
} from '../../../../shared/email-batch'
import {
  describeIssues,
  sendEmailInputSchema,
  type EmailRequest,
} from '../../../../shared/messages'
import { emailIdFor, toEmailRequest } from './requests'

export type BatchAnswer =
  | { status: 400; body: { error: string; message: string } }
  | { status: 200 | 503; body: BatchResponse }

export interface BatchDependencies {
  maxEmails: number
  publishRequest: (request: EmailRequest) => Promise<void>
  /** Why a publish failed, in the words a client should read. */
  unavailableMessage: (error: unknown) => string
}

type Checked = { index: number; request: EmailRequest } | BatchItemResult

/**
 * `POST /emails/batch`: every email validated as `POST /emails` validates one, the valid ones
 * published together and their confirms awaited together. The answer has one result per email;
 * a 503 means none was accepted because the broker could not store them.
 */
export async function acceptBatch(body: unknown, deps: BatchDependencies): Promise<BatchAnswer> {
  const emails = batchEmails(body, deps.maxEmails)
  if (typeof emails === 'string') {
    return { status: 400, body: { error: 'invalid_request', message: emails } }
  }
  const seen = new Set<string>()
  const checked = emails.map((email, index) => checkEmail(email, index, seen))
  const results = await Promise.all(
    checked.map(async (item): Promise<BatchItemResult> => {
      if ('status' in item) return item
      const { index, request } = item
      try {
        await deps.publishRequest(request)
        return { index, status: 'accepted', id: request.id }
      } catch (error) {
        return {
          index,
          status: 'unavailable',
          id: request.id,
          message: deps.unavailableMessage(error),
        }
      }
    }),
  )
  const summary = summarizeBatch(results)
  const noneStored = summary.accepted === 0 && summary.unavailable > 0
  return { status: noneStored ? 503 : 200, body: summary }
}

function batchEmails(body: unknown, maxEmails: number): unknown[] | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'body must be a JSON object {"emails": [...]}'
  }
  const { emails, ...rest } = body as Record<string, unknown>
  const extra = Object.keys(rest)
  if (extra.length > 0) return `unknown field ${extra.map((key) => `"${key}"`).join(', ')}`
  if (emails === undefined) return 'emails: is required'
  if (!Array.isArray(emails)) return 'emails: must be a list of emails'
  if (emails.length === 0) return 'emails: is empty; send at least one email'
  if (emails.length > maxEmails) {
    return `emails: has ${emails.length} emails, more than the limit of ${maxEmails} per request`
  }
  return emails as unknown[]
}

function checkEmail(email: unknown, index: number, seen: Set<string>): Checked {
  const rejected = (error: string, message: string): BatchItemResult => ({
    index,
    status: 'rejected',
    error,
    message,
  })
  if (typeof email !== 'object' || email === null || Array.isArray(email)) {
    return rejected('invalid_request', 'expected object, received a non-object')
  }
  const { [BATCH_KEY_FIELD]: key, ...fields } = email as Record<string, unknown>
  const id = emailIdFor(key, BATCH_KEY_FIELD)
  if (!id.ok) return rejected('invalid_key', id.error)
  if (seen.has(id.id)) {
    return rejected('duplicate_key', `${BATCH_KEY_FIELD} "${id.id}" is used twice in this batch`)
  }
  seen.add(id.id)
  const parsed = sendEmailInputSchema.safeParse(fields)
  if (!parsed.success) return rejected('invalid_request', describeIssues(parsed.error))
  return { index, request: toEmailRequest(parsed.data, id.id) }
}
