// Where the mail-stack benchmark's emails arrive, counted per email id: the app's catcher or the
// Postfix sink, behind one interface.
import { emailIdOf } from '../resources/stack/test/catcher-client'
import { waitFor } from '../resources/stack/test/docker-helpers'
import type { MailStack } from '../resources/stack/test/mail-stack'
import type { Arrival, PostfixSink } from './postfix-sink'
import { containerCpuSeconds } from './stack-cpu'

export interface Destination {
  /** How a figure names it. */
  name: string
  /** `host:port` of its SMTP port, from this host. */
  address: string
  total(): Promise<number>
  clear(): Promise<void>
  arrivals(): Promise<Arrival[]>
  cpuSeconds(): Promise<number>
}

export function catcherDestination(stack: MailStack): Destination {
  return {
    name: "the app's catcher (Mailpit)",
    address: `127.0.0.1:${stack.smtpPort}`,
    total: () => stack.catcher.total(),
    clear: () => stack.catcher.deleteAll(),
    arrivals: async () =>
      (await stack.catcher.listAll()).map((message) => ({
        emailId: emailIdOf(message),
        at: Date.parse(message.Created),
      })),
    cpuSeconds: () => containerCpuSeconds(stack, 'catcher'),
  }
}

export function sinkDestination(sink: PostfixSink): Destination {
  return {
    name: "Postfix's smtp-sink",
    address: sink.address,
    total: () => Promise.resolve(sink.taken()),
    clear: () => Promise.resolve(sink.clear()),
    arrivals: () => Promise.resolve(sink.arrivals()),
    cpuSeconds: () => Promise.resolve(sink.cpuSeconds()),
  }
}

export function allDelivered(destination: Destination, count: number) {
  return waitFor(
    `${count} emails at ${destination.name}`,
    async () => ((await destination.total()) >= count ? true : undefined),
    900_000,
    250,
  )
}

/** Waits for `ids` to arrive; how many were lost or came twice, and the last arrival's time. */
export async function deliveredReport(destination: Destination, ids: string[], since: number) {
  await allDelivered(destination, ids.length)
  const arrivals = await destination.arrivals()
  const counts = new Map<string, number>()
  for (const { emailId } of arrivals) {
    if (emailId !== undefined) counts.set(emailId, (counts.get(emailId) ?? 0) + 1)
  }
  const last = Math.max(...arrivals.map((arrival) => arrival.at))
  return {
    arrivals,
    lost: ids.filter((id) => !counts.has(id)).length,
    duplicated: ids.filter((id) => (counts.get(id) ?? 0) > 1).length,
    seconds: (last - since) / 1000,
  }
}
