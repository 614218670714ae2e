import { MaildockError, type ErrorCode } from '../../../shared/contract'

/** The shape docker-modem gives a failed request, and Node gives a failed socket. */
interface EngineFailure {
  statusCode?: number
  json?: { message?: string } | null
  reason?: string
  message?: string
  code?: string
  name?: string
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ERR_STREAM_PREMATURE_CLOSE',
])

const UNREACHABLE_HINT =
  'Start Docker (or pick another endpoint in Settings); MailDock reconnects by itself.'

/** The engine's own sentence, without docker-modem's "(HTTP code 409) conflict - " prefix. */
export function engineMessage(error: unknown): string {
  const failure = error as EngineFailure
  const fromJson = failure.json?.message
  const raw =
    typeof fromJson === 'string' && fromJson ? fromJson : (failure.message ?? String(error))
  const text = raw.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim()
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function isAbort(error: unknown): boolean {
  const failure = error as EngineFailure
  return failure.name === 'AbortError' || failure.code === 'ABORT_ERR'
}

export function isConnectionFailure(error: unknown): boolean {
  const code = (error as EngineFailure).code
  return code !== undefined && CONNECTION_CODES.has(code)
}

interface Rule {
  test: RegExp
  code: ErrorCode
  say: (message: string, match: RegExpMatchArray) => string
}

/* Engine messages we can explain better; first match wins, else the status code decides. */
const RULES: Rule[] = [
  {
    test: /You cannot remove a running container ([0-9a-f]{12})/i,
    code: 'CONFLICT',
    say: (_m, [, id]) => `Container ${id} is running: stop it first, or remove it with force.`,
  },
  {
    test: /container name "\/?([^"]+)" is already in use by container "([0-9a-f]{12})/i,
    code: 'CONFLICT',
    say: (_m, [, name, id]) =>
      `The name ${name} is already used by container ${id}: pick another name or remove that container.`,
  },
  {
    test: /unable to (?:delete|remove) ([0-9a-f]+) \(cannot be forced\) - image is being used by running container ([0-9a-f]{12})/i,
    code: 'CONFLICT',
    say: (_m, [, image, id]) =>
      `Image ${image} is used by running container ${id}: stop and remove that container first.`,
  },
  {
    test: /unable to (?:delete|remove) ([0-9a-f]+) \(must be forced\) - image is being used by stopped container ([0-9a-f]{12})/i,
    code: 'CONFLICT',
    say: (_m, [, image, id]) =>
      `Image ${image} is used by stopped container ${id}: remove that container first, or remove the image with force.`,
  },
  {
    test: /unable to (?:delete|remove) ([0-9a-f]+) \(must be forced\) - image is referenced in multiple repositories/i,
    code: 'CONFLICT',
    say: (_m, [, image]) =>
      `Image ${image} has several tags: remove one tag at a time, or remove the image with force.`,
  },
  {
    test: /network (\S+) (?:id \S+ )?has active endpoints/i,
    code: 'CONFLICT',
    say: (_m, [, name]) =>
      `Network ${name} still has containers attached: disconnect or remove them first.`,
  },
  {
    test: /network with name (\S+) already exists/i,
    code: 'CONFLICT',
    say: (_m, [, name]) => `A network named ${name} already exists: pick another name.`,
  },
  {
    test: /(?:^|: )(\S+) is a pre-defined network and cannot be removed/i,
    code: 'CONFLICT',
    say: (_m, [, name]) => `${name} is one of the engine's own networks and cannot be removed.`,
  },
  {
    test: /remove (\S+): volume is in use - \[([^\]]*)\]/i,
    code: 'CONFLICT',
    say: (_m, [, name, ids]) =>
      `Volume ${name} is used by container(s) ${(ids ?? '')
        .split(/[ ,]+/)
        .map((i) => i.slice(0, 12))
        .join(', ')}: remove them first.`,
  },
  {
    test: /Container ([0-9a-f]+) is not running/i,
    code: 'CONFLICT',
    say: (_m, [, id]) => `Container ${id?.slice(0, 12)} is not running: start it first.`,
  },
  {
    test: /Container ([0-9a-f]+) is paused/i,
    code: 'CONFLICT',
    say: (_m, [, id]) => `Container ${id?.slice(0, 12)} is paused: unpause it first.`,
  },
  {
    test: /Container ([0-9a-f]+) is already paused/i,
    code: 'CONFLICT',
    say: (_m, [, id]) => `Container ${id?.slice(0, 12)} is already paused.`,
  },
  {
    test: /No such image: (\S+)/i,
    code: 'NOT_FOUND',
    say: (_m, [, ref]) => `Image ${ref} is not on this engine: pull or build it first.`,
  },
  {
    test: /(manifest unknown|manifest for \S+ not found|repository \S+ not found|pull access denied)/i,
    code: 'NOT_FOUND',
    say: (m) => `${m}. Check the image name and tag (and that you are logged in to the registry).`,
  },
  {
    test: /(dial tcp|no such host|connection refused|i\/o timeout|TLS handshake timeout|server gave HTTP response to HTTPS client)/i,
    code: 'UNAVAILABLE',
    say: (m) =>
      `The registry could not be reached: ${m}. Check the address and your network, then retry.`,
  },
]

function byStatus(status: number | undefined): ErrorCode {
  if (status === 404) return 'NOT_FOUND'
  if (status === 409) return 'CONFLICT'
  if (status === 400) return 'INVALID_INPUT'
  if (status === 403) return 'CONFLICT'
  if (status === 503) return 'UNAVAILABLE'
  return 'INTERNAL'
}

const STATUS_HINTS: Partial<Record<ErrorCode, string>> = {
  NOT_FOUND: 'It may have been removed: refresh the list.',
}

/** Turns any engine failure into a MaildockError whose message says what happened and what to do. */
export function toMaildockError(error: unknown): MaildockError {
  if (error instanceof MaildockError) return error
  if (isAbort(error)) return new MaildockError('CANCELLED', 'Cancelled.')
  const failure = error as EngineFailure
  if (isConnectionFailure(error)) {
    return new MaildockError(
      'ENGINE_UNREACHABLE',
      `Lost the Docker engine (${failure.code}). ${UNREACHABLE_HINT}`,
      { cause: failure.message },
    )
  }
  const message = engineMessage(error)
  const details = { statusCode: failure.statusCode, engineMessage: message }
  for (const rule of RULES) {
    const match = message.match(rule.test)
    if (match) return new MaildockError(rule.code, rule.say(message, match), details)
  }
  const code = byStatus(failure.statusCode)
  const hint = STATUS_HINTS[code]
  const text = hint ? `${message.replace(/\.?$/, '.')} ${hint}` : message
  return new MaildockError(code, text, details)
}

/** The stream ended before the engine said it was done: most likely the engine stopped. */
export function brokenStream(what: string): MaildockError {
  return new MaildockError(
    'ENGINE_UNREACHABLE',
    `${what} stopped before it finished: the engine may have stopped. ${UNREACHABLE_HINT}`,
  )
}

/** Runs an engine request and rethrows failures as MaildockError. */
export async function engineCall<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request()
  } catch (error) {
    throw toMaildockError(error)
  }
}

/** A 304 from start/stop/pause means it already is in that state: that is success. */
export async function idempotent(request: () => Promise<unknown>): Promise<{ ok: true }> {
  try {
    await request()
  } catch (error) {
    if ((error as EngineFailure).statusCode !== 304) throw toMaildockError(error)
  }
  return { ok: true }
}
