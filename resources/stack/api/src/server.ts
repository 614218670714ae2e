import type { Socket } from 'node:net'
import Fastify, { LogController, type FastifyError, type FastifyReply } from 'fastify'
import type { z } from 'zod'
import {
  describeIssues,
  legacySendInputSchema,
  sendEmailInputSchema,
  type EmailRequest,
  type SendEmailInput,
} from '../../../../shared/messages'
import type { HealthStatus } from '../../common/health'
import { errorMessage, type Logger } from '../../common/log'
import {
  allowedHostNames,
  isAllowedHost,
  misdirectedMessage,
} from '../../../../shared/allowed-host'
import { PublishError } from '../../../../shared/amqp-publisher'
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth'
import { emailIdFor, fromLegacyInput, toEmailRequest } from './requests'

export class BrokerUnavailableError extends Error {
  override name = 'BrokerUnavailableError'
}

export interface ApiDependencies {
  log: Logger
  bodyLimitBytes: number
  /** Host names answered besides 127.0.0.1, localhost and [::1] (comma-separated). */
  allowedHosts?: string
  /** Resolves once the broker confirmed the request; throws when it may not be stored. */
  publishRequest: (request: EmailRequest) => Promise<void>
  health: () => HealthStatus
}

const LINGER_LIMIT_BYTES = 64 * 1024 * 1024

interface ErrorBody {
  error: string
  message: string
}

export function buildServer(deps: ApiDependencies) {
  const app = Fastify({
    loggerInstance: deps.log,
    // One line per accepted email is logged by the handler; per-request lines would double it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes,
    return503OnClosing: true,
  })
  // Only JSON bodies: anything else is a 415 rather than a string handed to validation.
  app.removeContentTypeParser(['text/plain', 'application/json'])
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request, body: string, done) => {
      if (!jsonDepthExceeds(body)) return parseJson(request, body, done)
      const error = new Error(`nested deeper than ${MAX_JSON_DEPTH} levels`) as FastifyError
      Object.assign(error, { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' })
      done(error, undefined)
    },
  )
  // A CONNECT request would otherwise be dropped without an answer.
  app.server.on('connect', (_request, socket: Socket) => {
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  })

  // DNS rebinding: a foreign Host is answered before anything else runs.
  const allowedHosts = allowedHostNames(deps.allowedHosts ?? 'api')
  app.addHook('onRequest', (request, reply, done) => {
    if (isAllowedHost(request.headers.host, allowedHosts)) return done()
    void reply
      .status(421)
      .header('connection', 'close')
      .send({
        error: 'misdirected_request',
        message: misdirectedMessage(request.headers.host),
      } satisfies ErrorBody)
  })

  // A declared length over the limit is answered at once, but the connection stays open while
  // Node discards the rest of the upload, so the client reads the 413 instead of an EPIPE
  // (nginx's "lingering close"). Beyond LINGER_LIMIT_BYTES the connection is simply closed.
  app.addHook('onRequest', (request, reply, done) => {
    const length = Number(request.headers['content-length'] ?? 0)
    if (length <= deps.bodyLimitBytes) return done()
    void reply
      .status(413)
      .header('connection', length <= LINGER_LIMIT_BYTES ? 'keep-alive' : 'close')
      .send({
        error: 'FST_ERR_CTP_BODY_TOO_LARGE',
        message: describeFrameworkError(
          { code: 'FST_ERR_CTP_BODY_TOO_LARGE' } as FastifyError,
          deps.bodyLimitBytes,
        ),
      } satisfies ErrorBody)
  })

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500
    if (status >= 500) deps.log.error({ err: errorMessage(error) }, 'request failed')
    return reply.status(status).send({
      error: error.code ?? 'internal_error',
      message: describeFrameworkError(error, deps.bodyLimitBytes),
    } satisfies ErrorBody)
  })
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: 'not_found',
      message: `no route ${request.method} ${request.url}`,
    } satisfies ErrorBody),
  )

  const accept = async (
    schema: z.ZodType<SendEmailInput, unknown>,
    body: unknown,
    key: string | string[] | undefined,
    reply: FastifyReply,
  ) => {
    const id = emailIdFor(key)
    if (!id.ok) return reply.status(400).send({ error: 'invalid_header', message: id.error })
    const parsed = schema.safeParse(body)
    if (!parsed.success) {
      return reply
        .status(400)
        .send({ error: 'invalid_request', message: describeIssues(parsed.error) })
    }
    const request = toEmailRequest(parsed.data, id.id)
    try {
      await deps.publishRequest(request)
    } catch (error) {
      deps.log.warn({ emailId: request.id, err: errorMessage(error) }, 'email not accepted')
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({ error: 'broker_unavailable', message: unavailableMessage(error) })
    }
    deps.log.info({ emailId: request.id, recipients: request.to.length }, 'email accepted')
    return reply.status(202).send({ id: request.id, status: 'accepted' })
  }

  app.post('/emails', (request, reply) =>
    accept(sendEmailInputSchema, request.body, request.headers['idempotency-key'], reply),
  )
  app.post('/send', (request, reply) =>
    accept(
      legacySendInputSchema.transform(fromLegacyInput),
      request.body,
      request.headers['idempotency-key'],
      reply,
    ),
  )

  const health = (mode: 'both' | 'live' | 'ready') => (_request: unknown, reply: FastifyReply) => {
    const status = deps.health()
    const ok =
      mode === 'live' ? status.live : mode === 'ready' ? status.ready : status.live && status.ready
    return reply.status(ok ? 200 : 503).send(status)
  }
  app.get('/health', health('both'))
  app.get('/health/live', health('live'))
  app.get('/health/ready', health('ready'))
  return app
}

function unavailableMessage(error: unknown): string {
  const detail =
    error instanceof PublishError || error instanceof BrokerUnavailableError
      ? error.message
      : errorMessage(error)
  return `The email was NOT accepted: the message broker could not store it (${detail}). Retry later with the same Idempotency-Key.`
}

function describeFrameworkError(error: FastifyError, bodyLimitBytes: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body is larger than the limit of ${bodyLimitBytes} bytes`
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `Content-Type must be application/json (${error.message})`
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return `body is not valid JSON: ${error.message}`
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'body is empty; send a JSON object'
    default:
      return error.message
  }
}
