/** The subset of YAML a compose file needs: maps, lists, strings, numbers and booleans. */
export type YamlValue =
  string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue }

const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/

function scalar(value: string | number | boolean | null): string {
  // JSON strings are valid YAML double-quoted scalars.
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

const key = (name: string): string => (PLAIN_KEY.test(name) ? name : JSON.stringify(name))

const isEmpty = (value: YamlValue): boolean =>
  Array.isArray(value)
    ? value.length === 0
    : value !== null && typeof value === 'object' && Object.keys(value).length === 0

function lines(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (item !== null && typeof item === 'object' && !isEmpty(item)) {
        const [first = '', ...rest] = lines(item, `${indent}  `)
        return [`${indent}- ${first.trimStart()}`, ...rest]
      }
      return [`${indent}- ${inline(item)}`]
    })
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([name, item]) => {
      if (item !== null && typeof item === 'object' && !isEmpty(item)) {
        return [`${indent}${key(name)}:`, ...lines(item, `${indent}  `)]
      }
      return [`${indent}${key(name)}: ${inline(item)}`]
    })
  }
  return [`${indent}${scalar(value)}`]
}

function inline(value: YamlValue): string {
  if (Array.isArray(value)) return '[]'
  if (value !== null && typeof value === 'object') return '{}'
  return scalar(value)
}

export function toYaml(value: YamlValue, header: readonly string[] = []): string {
  return [...header.map((line) => `# ${line}`), ...lines(value, '')].join('\n') + '\n'
}
