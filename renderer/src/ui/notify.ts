import { notifications } from '@mantine/notifications'

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'object' && error && 'message' in error) return String(error.message)
  return String(error)
}

/** Main's message says what happened and what to do: show it as is. */
export function notifyError(title: string, error: unknown): void {
  notifications.show({ color: 'red', title, message: errorMessage(error), autoClose: 8000 })
}

export function notifyDone(title: string, message?: string): void {
  notifications.show({ color: 'green', title, message: message ?? '', autoClose: 3000 })
}
