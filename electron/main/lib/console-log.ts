/** The shells' log: the message, then the error when there is one (no trailing "undefined"). */
export function logToConsole(message: string, error?: unknown): void {
  if (error === undefined) console.error(message)
  else console.error(message, error)
}
