import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { IPC_CALL, IPC_STREAM, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE } from '../../../shared/contract/ipc'
import { MAX_SUBSCRIPTIONS, tooManySubscriptions } from '../../../shared/contract'
import type { CallContext } from '../lib/handlers'
import type { Router } from '../router'

function contextOf(event: IpcMainEvent | IpcMainInvokeEvent): CallContext {
  const frame = event.senderFrame
  return {
    sender: {
      url: frame?.url ?? '',
      isMainFrame: frame !== null && frame === event.sender.mainFrame,
    },
  }
}

/** Carries the router over Electron IPC; subscriptions end when their window goes away. */
export function bindRouterToIpc(router: Router): () => void {
  const subscriptions = new Map<WebContents, Map<number, () => void>>()

  const forContents = (contents: WebContents): Map<number, () => void> => {
    let map = subscriptions.get(contents)
    if (!map) {
      map = new Map()
      subscriptions.set(contents, map)
      contents.once('destroyed', () => {
        for (const stop of map?.values() ?? []) stop()
        subscriptions.delete(contents)
      })
    }
    return map
  }

  ipcMain.handle(IPC_CALL, (event, channel: unknown, input: unknown) =>
    router.call(channel, input, contextOf(event)),
  )

  ipcMain.on(IPC_SUBSCRIBE, (event, id: unknown, name: unknown, input: unknown) => {
    if (typeof id !== 'number') return
    const contents = event.sender
    const active = forContents(contents)
    active.get(id)?.()
    active.delete(id)
    if (active.size >= MAX_SUBSCRIPTIONS) {
      contents.send(IPC_STREAM, id, { type: 'error', error: tooManySubscriptions() })
      return
    }
    const stop = router.subscribe(name, input, contextOf(event), (message) => {
      if (!contents.isDestroyed()) contents.send(IPC_STREAM, id, message)
      if (message.type !== 'data') active.delete(id)
    })
    active.set(id, stop)
  })

  ipcMain.on(IPC_UNSUBSCRIBE, (event, id: unknown) => {
    if (typeof id !== 'number') return
    const active = subscriptions.get(event.sender)
    active?.get(id)?.()
    active?.delete(id)
  })

  return () => {
    ipcMain.removeHandler(IPC_CALL)
    ipcMain.removeAllListeners(IPC_SUBSCRIBE)
    ipcMain.removeAllListeners(IPC_UNSUBSCRIBE)
    for (const map of subscriptions.values()) for (const stop of map.values()) stop()
    subscriptions.clear()
  }
}
