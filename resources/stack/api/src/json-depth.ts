/** Bodies nested deeper than this are refused before JSON.parse: parsing and scanning a
 * 400 KB `[[[[…` costs over a second of the event loop, and no email is nested past 4 levels. */
export const MAX_JSON_DEPTH = 32

/** How deep the arrays and objects of a JSON text nest (strings and escapes skipped); stops early. */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === 0x5c) i += 1
      else if (code === 0x22) inString = false
    } else if (code === 0x22) inString = true
    else if (code === 0x5b || code === 0x7b) {
      depth += 1
      if (depth > limit) return true
    } else if (code === 0x5d || code === 0x7d) depth -= 1
  }
  return false
}
