import { execFileSync } from 'node:child_process'

/** The images a setting names by default, and the locally built stand-ins (scripts/images/). */
const IMAGES = {
  MAILDOCK_NODE_IMAGE: { official: 'node:22-bookworm-slim', local: 'maildock/node:local' },
  MAILDOCK_BROKER_IMAGE: { official: 'rabbitmq:4.2-management', local: 'maildock/rabbitmq:local' },
  MAILDOCK_CATCHER_IMAGE: { official: 'axllent/mailpit:v1.31.1', local: 'maildock/catcher:local' },
} as const

function imageExists(name: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', name], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * Points each image setting the user left unset at an image this engine has: the official one when
 * present, else the local stand-in, so `npm test` works on machines without a registry.
 */
export function chooseTestImages(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, { official, local }] of Object.entries(IMAGES)) {
    if (env[name]) continue
    env[name] = imageExists(official) || !imageExists(local) ? official : local
  }
}
