import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { z } from 'zod'
import { writePrivateFile } from '../lib/private-files'
import {
  MaildockError,
  smtpTlsCheck,
  stackSettingsPatchSchema,
  stackSettingsSchema,
  type SettingField as FieldView,
  type SettingSource,
  type StackSettings,
  type StackSettingsPatch,
} from '../../../shared/contract'
import { CONFIG_FILE_ENV, DEFAULT_STACK_SETTINGS, SETTING_FIELDS } from './setting-fields'

type Values = Map<string, unknown>

interface Layer {
  source: SettingSource
  values: Values
}

export interface LoadedSettings {
  settings: StackSettings
  fields: FieldView[]
  /** Values that were skipped, each saying where it came from and what is wrong. */
  problems: string[]
  files: { settings: string; config: string | null }
}

const FIELD_PATHS = new Set(SETTING_FIELDS.map((field) => field.path))

function fieldSchema(path: string): z.ZodType {
  const [group, key] = path.split('.') as [keyof StackSettings, string | undefined]
  const outer = stackSettingsSchema.shape[group] as z.ZodType
  if (key === undefined) return outer
  return (outer as unknown as { shape: Record<string, z.ZodType> }).shape[key] as z.ZodType
}

/** `{ports: {api: 1}}` -> `ports.api => 1`; unknown keys become problems. */
export function flattenPatch(patch: unknown, where: string, problems: string[]): Values {
  const values: Values = new Map()
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    problems.push(`${where}: expected a JSON object of settings`)
    return values
  }
  const visit = (object: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(object)) {
      const path = prefix ? `${prefix}.${key}` : key
      if (FIELD_PATHS.has(path)) {
        const parsed = fieldSchema(path).safeParse(value)
        if (parsed.success) values.set(path, parsed.data)
        else problems.push(`${where}: ${path} ${parsed.error.issues[0]?.message ?? 'is invalid'}`)
      } else if (!prefix && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        visit(value as Record<string, unknown>, path)
      } else {
        problems.push(`${where}: unknown setting ${path}`)
      }
    }
  }
  visit(patch as Record<string, unknown>, '')
  return values
}

export function envLayer(env: NodeJS.ProcessEnv, problems: string[]): Values {
  const values: Values = new Map()
  for (const field of SETTING_FIELDS) {
    const raw = env[field.env]
    if (raw === undefined || raw.trim() === '') continue
    const parsed = field.parse(raw)
    if ('error' in parsed) {
      problems.push(`${field.env} ${parsed.error}, got "${raw}"`)
      continue
    }
    const checked = fieldSchema(field.path).safeParse(parsed.value)
    if (checked.success) values.set(field.path, checked.data)
    else problems.push(`${field.env} ${checked.error.issues[0]?.message ?? 'is invalid'}`)
  }
  return values
}

/** Applies the layers in order (later wins) over the defaults; says where each value came from. */
export function layerSettings(layers: readonly Layer[]): {
  settings: StackSettings
  fields: FieldView[]
} {
  const settings = structuredClone(DEFAULT_STACK_SETTINGS) as unknown as Record<string, unknown>
  const fields: FieldView[] = []
  for (const field of SETTING_FIELDS) {
    let source: SettingSource = 'default'
    for (const layer of layers) {
      if (!layer.values.has(field.path)) continue
      source = layer.source
      const value = layer.values.get(field.path)
      const [group, key] = field.path.split('.') as [string, string | undefined]
      if (key === undefined) settings[group] = value
      else (settings[group] as Record<string, unknown>)[key] = value
    }
    fields.push({ path: field.path, source, env: field.env })
  }
  return { settings: stackSettingsSchema.parse(settings), fields }
}

async function readJson(file: string, where: string, problems: string[]): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && where === 'settings file') return {}
    problems.push(`${where} ${file}: ${code === 'ENOENT' ? 'not found' : (error as Error).message}`)
    return {}
  }
}

/**
 * The stack's settings: defaults, then the settings file the form saves (in the data dir), then
 * the `--config` JSON file, then MAILDOCK_* environment variables.
 */
export class StackSettingsStore {
  readonly file: string

  constructor(
    dataDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.file = join(dataDir, 'stack-settings.json')
  }

  get configFile(): string | null {
    const file = this.env[CONFIG_FILE_ENV]?.trim()
    return file ? resolve(file) : null
  }

  async load(): Promise<LoadedSettings> {
    const problems: string[] = []
    const layers: Layer[] = [
      {
        source: 'file',
        values: flattenPatch(
          await readJson(this.file, 'settings file', problems),
          `settings file ${this.file}`,
          problems,
        ),
      },
    ]
    const config = this.configFile
    if (config !== null) {
      const json = await readJson(config, 'config file', problems)
      layers.push({ source: 'config', values: flattenPatch(json, `config ${config}`, problems) })
    }
    layers.push({ source: 'env', values: envLayer(this.env, problems) })
    const layered = layerSettings(layers)
    const { problem } = smtpTlsCheck(layered.settings.smtp)
    if (problem !== null) problems.push(problem)
    return { ...layered, problems, files: { settings: this.file, config } }
  }

  /** Loads and fails with every problem listed, for operations that must not guess. */
  async loadStrict(): Promise<LoadedSettings> {
    const loaded = await this.load()
    if (loaded.problems.length > 0) {
      throw new MaildockError(
        'INVALID_INPUT',
        `Fix the stack settings first: ${loaded.problems.join('; ')}`,
        { problems: loaded.problems },
      )
    }
    return loaded
  }

  /** Merges a patch into the settings file (what the form saves). */
  async update(patch: StackSettingsPatch): Promise<LoadedSettings> {
    const problems: string[] = []
    const current = await readJson(this.file, 'settings file', problems)
    const base = stackSettingsPatchSchema.safeParse(current)
    const merged: Record<string, unknown> = base.success ? { ...base.data } : {}
    for (const [key, value] of Object.entries(stackSettingsPatchSchema.parse(patch))) {
      const previous = merged[key]
      merged[key] =
        typeof value === 'object' && value !== null && typeof previous === 'object'
          ? { ...previous, ...value }
          : value
    }
    await writePrivateFile(this.file, `${JSON.stringify(merged, null, 2)}\n`)
    return this.load()
  }
}
