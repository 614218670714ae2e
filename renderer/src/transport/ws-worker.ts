// Browser mode's WebSocket, in a dedicated worker (see ws-link.ts).
import { serveSocketWorker } from './ws-link'

serveSocketWorker(self)
