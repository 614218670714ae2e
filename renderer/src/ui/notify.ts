import { notifications } from '@mantine/notifications'

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'object' && error && 'message' in error) return String(error.message)
  return String(error)
}

/** Main's message says what happened and what to do: show it as is. */
/** `id` names the toast, so a later try of the same thing can take it down (`notifications.hide`). */
export function notifyError(title: string, error: unknown, id?: string): void {
  notifications.show({ id, color: 'red', title, message: errorMessage(error), autoClose: 8000 })
}

export function notifyDone(title: string, message?: string, id?: string): void {
  notifications.show({ id, color: 'green', title, message: message ?? '', autoClose: 3000 })
}
