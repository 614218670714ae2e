// Integration-test support: the mail stack (helper images built from this checkout, a real
// RabbitMQ, a real SMTP catcher) plus the endpoints the app's mail services need.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MailStack, type MailStackOptions } from '../../resources/stack/test/mail-stack'
import type { StackEndpoints } from '../../electron/main/broker/endpoints'
import { WorkerLogStore } from '../../electron/main/logs/store-client'
import { createMailPipeline } from '../../electron/main/mail-pipeline'
import { caughtEmailIds, sendSearch } from '../../electron/main/mailbox/caught'

/** The management API on the broker container's own address (its 15672 is not published). */
export async function managementUrlOf(stack: MailStack): Promise<string> {
  const info = await stack.container('broker').inspect()
  const ip = info.NetworkSettings.Networks[stack.network]?.IPAddress
  if (ip === undefined || ip === '') throw new Error('the broker container has no address')
  const amqp = new URL(stack.amqpUrl)
  return `http://${amqp.username}:${amqp.password}@${ip}:15672`
}

export async function startMailStack(options: MailStackOptions = {}) {
  const stack = await MailStack.start(options)
  return { stack, endpoints: await endpointsOf(stack) }
}

/** The endpoints the app's mail services look up, for a running stack. */
export async function endpointsOf(stack: MailStack): Promise<() => Promise<StackEndpoints>> {
  const managementUrl = await managementUrlOf(stack)
  return () => Promise.resolve({ apiUrl: stack.apiUrl, amqpUrl: stack.amqpUrl, managementUrl })
}

/** The app's mail services over a real log store, wired as core.ts wires them. */
export function startApp(
  endpoints: () => Promise<StackEndpoints>,
  dataDir: string,
  catcherUrl?: string,
) {
  const store = new WorkerLogStore({ path: join(dataDir, 'logs.db'), retentionDelayMs: 0 })
  const services = createMailPipeline({
    ledger: store.ledger,
    ...(catcherUrl === undefined
      ? {}
      : {
          caught: (name: string, kind: 'single' | 'bulk') =>
            caughtEmailIds(() => Promise.resolve(catcherUrl), sendSearch(name, kind)),
        }),
    endpoints,
    dataDir,
    reconnectBackoff: { initialMs: 200, maxMs: 1_000, jitter: 0.2 },
    store: async (mail) => {
      await store.ingestMail(mail)
    },
    history: () => store.recentMailMessages(),
  })
  return {
    ...services,
    store,
    async stop() {
      await services.dispose()
      await store.close()
    },
  }
}

export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'maildock-mail-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
