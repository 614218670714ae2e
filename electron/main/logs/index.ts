// The logs domain's public face: other rooms of main import only this file.
export type { StackLogCollector } from './collector'
export { exportAll } from './export'
export { createLogServices } from './log-services'
export { logsHandlers } from './logs-handlers'
export { LogStore } from './store'
export { WorkerLogStore } from './store-client'
export { describeFreshness, type LogFreshness } from './catch-up'
