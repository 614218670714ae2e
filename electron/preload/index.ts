import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  isChannelName,
  isEventName,
  type RawBridge,
  type StreamMessage,
} from '../../shared/contract'
import { IPC_CALL, IPC_STREAM, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE } from '../../shared/contract/ipc'

let nextSubscription = 0
const listeners = new Map<number, (message: StreamMessage) => void>()

ipcRenderer.on(IPC_STREAM, (_event: IpcRendererEvent, id: number, message: StreamMessage) => {
  listeners.get(id)?.(message)
  if (message.type !== 'data') listeners.delete(id)
})

const unknownName = (name: string) =>
  ({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel: ${name}` } }) as const

// The one object the renderer gets. Names are checked against the contract here as well as in main.
const bridge: RawBridge = {
  call(channel, input) {
    if (!isChannelName(channel)) return Promise.resolve(unknownName(channel))
    return ipcRenderer.invoke(IPC_CALL, channel, input)
  },
  subscribe(event, input, onMessage) {
    if (!isEventName(event)) {
      onMessage({ type: 'error', error: unknownName(event).error })
      return () => undefined
    }
    const id = ++nextSubscription
    listeners.set(id, onMessage)
    ipcRenderer.send(IPC_SUBSCRIBE, id, event, input)
    return () => {
      if (listeners.delete(id)) ipcRenderer.send(IPC_UNSUBSCRIBE, id)
    }
  },
}

contextBridge.exposeInMainWorld('maildock', bridge)
