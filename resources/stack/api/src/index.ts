import { hostname } from 'node:os'
import {
  encodeMessage,
  EXCHANGES,
  ROUTING_KEYS,
  type EmailRequest,
} from '../../../../shared/messages'
import { BrokerClient } from '../../common/broker'
import { errorMessage } from '../../../../shared/error-message'
import { createLogger } from '../../common/log'
import { onShutdownSignal } from '../../common/shutdown'
import { loadApiConfig } from './config'
import { BrokerUnavailableError, buildServer } from './server'

const log = createLogger('api')
const config = loadApiConfig(process.env)
const replica = hostname()

const broker = new BrokerClient({
  url: config.amqpUrl,
  connectionName: `maildock-api@${replica}`,
  log,
  topology: { queueType: config.queueType },
  declareTopology: config.declareTopology,
  publishTimeoutMs: config.publishTimeoutMs,
})

/**
 * The broker's confirm of the request is the acceptance: the logger and the app take the request
 * itself as 'accepted' (no separate event, which cost two more persistent writes per email).
 */
async function publishRequest(request: EmailRequest): Promise<void> {
  const session = broker.session
  if (session === undefined) throw new BrokerUnavailableError('not connected to the broker')
  await session.publisher.publish(
    EXCHANGES.requests,
    ROUTING_KEYS.request,
    encodeMessage(request),
    {
      messageId: request.id,
      type: ROUTING_KEYS.request,
    },
  )
}

const server = buildServer({
  log,
  bodyLimitBytes: config.bodyLimitBytes,
  allowedHosts: config.allowedHosts,
  batch: { maxEmails: config.batchMaxEmails, bodyLimitBytes: config.batchBodyLimitBytes },
  publishRequest,
  health: () => ({ live: true, ready: broker.connected, broker: broker.connected }),
})

onShutdownSignal(log, config.shutdownTimeoutMs, async () => {
  await server.close()
  await broker.close()
})

broker.start()
server.listen({ host: '0.0.0.0', port: config.port }).catch((error: unknown) => {
  log.fatal({ err: errorMessage(error) }, 'cannot listen')
  process.exit(1)
})
