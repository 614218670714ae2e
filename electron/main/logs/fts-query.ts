/*
 * Full-text queries for FTS5. Users type addresses, ids and dotted names (`bob@example.com`,
 * `msg-42`, `email.sent`) that FTS5 barewords cannot hold, so those words are quoted into phrases
 * first; what is still not valid syntax (an unbalanced quote, a lone operator) is searched as
 * plain words instead, with a notice saying so.
 */

const OPERATORS = new Set(['AND', 'OR', 'NOT', 'NEAR'])
const BAREWORD = /^\^?[\p{L}\p{N}_]+\*?$/u

const quote = (text: string): string => `"${text.replace(/"/g, '""')}"`

function quoteWord(word: string): string {
  if (OPERATORS.has(word) || BAREWORD.test(word)) return word
  const prefix = word.endsWith('*') && word.length > 1
  const body = prefix ? word.slice(0, -1) : word
  return `${quote(body)}${prefix ? '*' : ''}`
}

/** The query with every bareword FTS5 cannot parse turned into a quoted phrase. */
export function toFtsQuery(input: string): string {
  const out: string[] = []
  let word = ''
  const endWord = (): void => {
    if (word !== '') out.push(quoteWord(word))
    word = ''
  }
  for (let i = 0; i < input.length; i += 1) {
    const char = input[i] as string
    if (char === '"') {
      endWord()
      const close = input.indexOf('"', i + 1)
      // An unbalanced quote is left as it is: FTS5 rejects it and the plain search takes over.
      const end = close < 0 ? input.length : close + 1
      let phrase = input.slice(i, end)
      if (input[end] === '*') phrase += '*'
      out.push(phrase)
      i = end - 1 + (input[end] === '*' ? 1 : 0)
    } else if (/\s/.test(char)) {
      endWord()
      out.push(' ')
    } else if (char === '(' || char === ')' || char === ',') {
      endWord()
      out.push(char)
    } else {
      word += char
    }
  }
  endWord()
  return out.join('').replace(/\s+/g, ' ').trim()
}

/** Every word as a quoted phrase, all required: what a broken query falls back to. */
export function plainFtsQuery(input: string): string | null {
  const words = input
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
  return words.length === 0 ? null : words.map(quote).join(' ')
}

/** SQLite's own message for a rejected query, as the user should read it. */
export function describeSyntaxError(message: string): string {
  return message.replace(/^fts5:\s*/, '')
}
