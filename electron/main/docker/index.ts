// The docker domain's public face: other rooms of main import only this file.
export { EngineMonitor, type RawEngineEvent } from './engine'
export { nodeDiscoveryHost } from './discovery'
export { dockerHandlers, resolveEndpoint } from './docker-handlers'
export { EndpointSetting } from './endpoint-setting'
export { healthFromStatus } from './container-views'
export { engineHandlers } from './engine-handlers'
export {
  brokenStream,
  engineCall,
  engineMessage,
  isConnectionFailure,
  toMaildockError,
} from './errors'
export { buildImage } from './image-build'
export { pullImage } from './image-pull'
export { DEFAULT_LOG_TUNING, streamContainerLogs, type LogStreamTuning } from './log-stream'
