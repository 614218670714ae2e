import type { z } from 'zod'
import type { ChannelDef, EventDef } from './define'
import { engineChannels, engineEvents } from './engine'
import { dockerChannels, dockerEvents } from './docker'
import { logsChannels, logsEvents } from './logs'
import { brokerChannels, brokerEvents } from './broker'
import { mailChannels, mailEvents } from './mail'
import { mailboxChannels, mailboxEvents } from './mailbox'
import { sendReportChannels } from './send-report'
import { stackChannels, stackEvents } from './stack'

export * from './define'
export * from './bounds'
export * from './errors'
export * from './engine'
export * from './docker'
export * from './containers'
export * from './logs'
export { mailStatuses } from './mail-statuses'
export * from './broker'
export * from './mail'
export * from './mailbox'
export * from './send-report'
export * from './stack'
export * from './stack-settings'
export * from './bridge'
export * from './client'
export * from './message-document'

export const channels = {
  ...engineChannels,
  ...dockerChannels,
  ...logsChannels,
  ...brokerChannels,
  ...mailChannels,
  ...mailboxChannels,
  ...sendReportChannels,
  ...stackChannels,
} satisfies Record<string, ChannelDef>

export const events = {
  ...engineEvents,
  ...dockerEvents,
  ...logsEvents,
  ...brokerEvents,
  ...mailEvents,
  ...mailboxEvents,
  ...stackEvents,
} satisfies Record<string, EventDef>

export type Channels = typeof channels
export type Events = typeof events
export type ChannelName = keyof Channels
export type EventName = keyof Events

export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>
export type EventInput<E extends EventName> = z.input<Events[E]['input']>
export type EventData<E extends EventName> = z.output<Events[E]['data']>

export const isChannelName = (name: unknown): name is ChannelName =>
  typeof name === 'string' && Object.hasOwn(channels, name)
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.hasOwn(events, name)
