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
import { HEALTH_PATHS, healthProbe, healthWaitMs, type HealthStatus } from '../../common/health'
import { errorMessage } from '../../../../shared/error-message'
import type { Logger } from '../../common/log'
import {
  allowedHostNames,
  isAllowedHost,
  misdirectedMessage,
} from '../../../../shared/allowed-host'
import { PublishError } from '../../../../shared/amqp-publisher'
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth'
import { BATCH_KEY_FIELD, DEFAULT_BATCH_MAX_EMAILS } from '../../../../shared/email-batch'
import { acceptBatch } from './batch'
import { emailIdFor, fromLegacyInput, toEmailRequest } from './requests'

export class BrokerUnavailableError extends Error {
  override name = 'BrokerUnavailableError'
}

export interface ApiDependencies {
  log: Logger
  bodyLimitBytes: number
  /** Host names answered besides 127.0.0.1, localhost and [::1] (comma-separated). */
  allowedHosts?: string
  /** `POST /emails/batch`: most emails per request and the body limit of that route. */
  batch?: { maxEmails: number; bodyLimitBytes: number }
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
  const app = createApp(deps)
  guardRequests(app, deps)
  registerEmailRoutes(app, deps)
  registerHealthRoutes(app, deps)
  return app
}

/** Fastify over JSON bodies only, with a depth limit; CONNECT answered with a 405. */
function createApp(deps: ApiDependencies) {
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
  return app
}

type App = ReturnType<typeof createApp>

/** A foreign Host, an oversized body, an error and an unknown route: each a clear JSON answer. */
function guardRequests(app: App, deps: ApiDependencies): void {
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
    const limit = request.routeOptions.bodyLimit ?? deps.bodyLimitBytes
    if (length <= limit) return done()
    void reply
      .status(413)
      .header('connection', length <= LINGER_LIMIT_BYTES ? 'keep-alive' : 'close')
      .send({
        error: 'FST_ERR_CTP_BODY_TOO_LARGE',
        message: describeFrameworkError(
          { code: 'FST_ERR_CTP_BODY_TOO_LARGE' } as FastifyError,
          limit,
        ),
      } satisfies ErrorBody)
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500
    if (status >= 500) deps.log.error({ err: errorMessage(error) }, 'request failed')
    return reply.status(status).send({
      error: error.code ?? 'internal_error',
      message: describeFrameworkError(error, request.routeOptions.bodyLimit ?? deps.bodyLimitBytes),
    } satisfies ErrorBody)
  })
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: 'not_found',
      message: `no route ${request.method} ${request.url}`,
    } satisfies ErrorBody),
  )
}

function registerEmailRoutes(app: App, deps: ApiDependencies): void {
  const batch = deps.batch ?? {
    maxEmails: DEFAULT_BATCH_MAX_EMAILS,
    bodyLimitBytes: deps.bodyLimitBytes * 16,
  }
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

  app.post('/emails/batch', { bodyLimit: batch.bodyLimitBytes }, async (request, reply) => {
    if (request.headers['idempotency-key'] !== undefined) {
      return reply.status(400).send({
        error: 'invalid_header',
        message: `a batch takes no Idempotency-Key header; give each email its own "${BATCH_KEY_FIELD}"`,
      } satisfies ErrorBody)
    }
    const answer = await acceptBatch(request.body, {
      maxEmails: batch.maxEmails,
      publishRequest: deps.publishRequest,
      unavailableMessage,
    })
    if (answer.status === 400) return reply.status(400).send(answer.body)
    const { accepted, rejected, unavailable } = answer.body
    const summary = { accepted, rejected, unavailable }
    if (unavailable > 0) deps.log.warn(summary, 'batch partly not accepted (broker)')
    else deps.log.info(summary, 'email batch accepted')
    if (answer.status === 503) void reply.header('retry-after', '5')
    return reply.status(answer.status).send(answer.body)
  })
}

function registerHealthRoutes(app: App, deps: ApiDependencies): void {
  const probe = healthProbe(deps.health)
  let closing = false
  app.addHook('preClose', (done) => {
    closing = true
    done()
  })
  const open = () => !closing
  for (const path of HEALTH_PATHS) {
    app.get<{ Querystring: { wait?: string } }>(path, async (request, reply) => {
      const { ok, status } = await probe(path, healthWaitMs(request.query.wait), open)
      return reply.status(ok ? 200 : 503).send(status)
    })
  }
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
