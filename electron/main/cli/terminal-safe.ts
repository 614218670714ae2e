import { format } from 'node:util'

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g

/**
 * Text from outside (log lines, subjects, container output) made harmless for a terminal: every
 * control character but line feed and tab is shown as \u00XX, so no escape sequence can retitle
 * or clear the terminal or write its clipboard. JSON stays valid (\u00XX is a JSON escape).
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Every console.log and console.error of the CLI goes through terminalSafe. */
export function guardConsole(target: Pick<Console, 'log' | 'error'>): void {
  for (const method of ['log', 'error'] as const) {
    const original = target[method].bind(target)
    target[method] = (...args: unknown[]) => original(terminalSafe(format(...args)))
  }
}
