/** Names that usually hold a secret: PASSWORD, DB_PASS, API_KEY, JWT_SECRET, SMTP_AUTH_TOKEN... */
const SECRET_NAME =
  /(pass(wd|word)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth|cookie|session|signature|salt|dsn)/i

/** scheme://user:password@host: the password part. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)([^@\s]+)(@.*)$/i

export const MASK = '********'

export interface EnvEntry {
  key: string
  value: string
  masked: boolean
}

/** Splits `KEY=value` and hides values that look secret (whole value, or a URL's password). */
export function maskEnv(entries: readonly string[]): EnvEntry[] {
  return entries.map((entry) => {
    const eq = entry.indexOf('=')
    const key = eq < 0 ? entry : entry.slice(0, eq)
    const value = eq < 0 ? '' : entry.slice(eq + 1)
    if (value && SECRET_NAME.test(key)) return { key, value: MASK, masked: true }
    const url = value.match(URL_PASSWORD)
    if (url) return { key, value: `${url[1]}${MASK}${url[3]}`, masked: true }
    return { key, value, masked: false }
  })
}
