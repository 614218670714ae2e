// Mailpit's chaos feature: SMTP stages that fail with a given code and probability.
// Same JSON shape as Mailpit's GET/PUT /api/v1/chaos, same `<code> Chaos <stage> error` replies.
import { randomInt } from 'node:crypto'

export const CHAOS_STAGES = ['Sender', 'Recipient', 'Authentication'] as const
export type ChaosStage = (typeof CHAOS_STAGES)[number]

export interface ChaosTrigger {
  ErrorCode: number
  /** Percent, 0 (never) to 100 (always). */
  Probability: number
}

export type ChaosTriggers = Record<ChaosStage, ChaosTrigger>

const DEFAULT_CODES: Record<ChaosStage, number> = {
  Sender: 451,
  Recipient: 451,
  Authentication: 535,
}

export class ChaosError extends Error {}

export function defaultTriggers(): ChaosTriggers {
  return {
    Sender: { ErrorCode: DEFAULT_CODES.Sender, Probability: 0 },
    Recipient: { ErrorCode: DEFAULT_CODES.Recipient, Probability: 0 },
    Authentication: { ErrorCode: DEFAULT_CODES.Authentication, Probability: 0 },
  }
}

function readInteger(value: unknown, what: string): number {
  if (value === undefined || value === null) return 0
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ChaosError(`${what} must be an integer`)
  }
  return value
}

function toTrigger(stage: ChaosStage, value: unknown): ChaosTrigger {
  if (value === undefined || value === null) return defaultTriggers()[stage]
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ChaosError(`${stage} must be an object`)
  }
  const fields = lowerCaseKeys(value as Record<string, unknown>)
  const code = readInteger(fields.errorcode, `${stage}.ErrorCode`) || DEFAULT_CODES[stage]
  const probability = readInteger(fields.probability, `${stage}.Probability`)
  if (code < 400 || code > 599) throw new ChaosError('error code must be between 400 and 599')
  if (probability < 0 || probability > 100) {
    throw new ChaosError('probability must be between 0 and 100')
  }
  return { ErrorCode: code, Probability: probability }
}

// Go's encoding/json, which Mailpit uses, matches field names case-insensitively.
function lowerCaseKeys(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [key.toLowerCase(), value]),
  )
}

/** Parses a PUT body: omitted stages go back to their default code with 0% probability. */
export function parseTriggers(body: unknown): ChaosTriggers {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ChaosError('body must be a JSON object')
  }
  const fields = lowerCaseKeys(body as Record<string, unknown>)
  const known = new Set(CHAOS_STAGES.map((stage) => stage.toLowerCase()))
  const unknown = Object.keys(fields).filter((key) => !known.has(key))
  if (unknown.length > 0) throw new ChaosError(`unknown trigger ${unknown.join(', ')}`)
  return {
    Sender: toTrigger('Sender', fields.sender),
    Recipient: toTrigger('Recipient', fields.recipient),
    Authentication: toTrigger('Authentication', fields.authentication),
  }
}

const STAGE_ALIASES: Record<string, ChaosStage> = {
  sender: 'Sender',
  recipient: 'Recipient',
  recipients: 'Recipient',
  auth: 'Authentication',
  authentication: 'Authentication',
}

/** Parses Mailpit's MP_CHAOS_TRIGGERS, e.g. `Sender:451:5,Recipient:550:100`. */
export function parseTriggerList(list: string): ChaosTriggers {
  const triggers = defaultTriggers()
  for (const item of list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name = '', code = '', probability = ''] = item.split(':')
    const stage = STAGE_ALIASES[name.trim().toLowerCase()]
    if (stage === undefined) throw new ChaosError(`unknown chaos trigger ${name}`)
    triggers[stage] = toTrigger(stage, {
      ErrorCode: Number(code),
      Probability: Number(probability),
    })
  }
  return triggers
}

export class Chaos {
  private triggers: ChaosTriggers

  constructor(
    initial: ChaosTriggers = defaultTriggers(),
    private readonly roll: () => number = () => randomInt(100),
  ) {
    this.triggers = structuredClone(initial)
  }

  get(): ChaosTriggers {
    return structuredClone(this.triggers)
  }

  set(triggers: ChaosTriggers): ChaosTriggers {
    this.triggers = structuredClone(triggers)
    return this.get()
  }

  /** The error code to fail `stage` with this time, or undefined to let it pass. */
  failure(stage: ChaosStage): number | undefined {
    const trigger = this.triggers[stage]
    if (trigger.Probability === 0) return undefined
    return this.roll() < trigger.Probability ? trigger.ErrorCode : undefined
  }
}
