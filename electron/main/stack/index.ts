// The stack domain's public face: other rooms of main import only this file.
export { stackCatcherSource, stackEndpointsSource } from './endpoints'
export { stackHandlers } from './handlers'
export { StackManager } from './manager'
