import { createServer } from 'node:net'
import { MaildockError } from '../../../shared/contract'
import type { StackDefinition } from './definition'

/** Whether something on this machine already listens on 127.0.0.1:port. */
export function isPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'))
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => resolve(false))
    })
  })
}

export interface PortClaim {
  service: string
  hostPort: number
}

/** Fixed host ports the definition publishes (0, any free port, claims nothing). */
export function portClaims(definition: StackDefinition): PortClaim[] {
  return definition.services.flatMap((spec) =>
    spec.ports
      .filter((port) => port.hostPort !== 0)
      .map((port) => ({ service: spec.service, hostPort: port.hostPort })),
  )
}

/** Two services asking for one host port is a settings mistake. */
export function checkPortClashes(claims: readonly PortClaim[]): void {
  const owner = new Map<number, string>()
  for (const claim of claims) {
    const other = owner.get(claim.hostPort)
    if (other !== undefined) {
      throw new MaildockError(
        'INVALID_INPUT',
        `Port ${claim.hostPort} is set for both ${other} and ${claim.service}: give each its own port.`,
      )
    }
    owner.set(claim.hostPort, claim.service)
  }
}

/**
 * Fails before anything is created when a port the stack needs is taken by something else.
 * `ours` are ports the stack's own containers publish now (they free them when re-created).
 */
export async function checkPortsFree(
  claims: readonly PortClaim[],
  ours: ReadonlySet<number>,
): Promise<void> {
  const taken: PortClaim[] = []
  for (const claim of claims) {
    if (!ours.has(claim.hostPort) && (await isPortTaken(claim.hostPort))) taken.push(claim)
  }
  if (taken.length === 0) return
  const list = taken.map((c) => `127.0.0.1:${c.hostPort} (${c.service})`).join(', ')
  throw new MaildockError(
    'CONFLICT',
    `Port${taken.length > 1 ? 's' : ''} ${list} already in use by another program: stop it, or choose another port in the stack settings (or MAILDOCK_*_PORT).`,
    { ports: taken },
  )
}
