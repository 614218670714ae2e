/** The four Electron IPC channels that carry every contract call and stream. */
export const IPC_CALL = 'maildock:call'
export const IPC_SUBSCRIBE = 'maildock:subscribe'
export const IPC_UNSUBSCRIBE = 'maildock:unsubscribe'
export const IPC_STREAM = 'maildock:stream'
