import { notifications } from '@mantine/notifications'
import type { FailureAlert } from '../../../../shared/contract'
import { useStream } from '../../transport/hooks'

function describe(alert: FailureAlert): { title: string; body: string } {
  return {
    title: `Email failed: ${alert.subject ?? alert.emailId}`,
    body: `${alert.to.join(', ')}: ${alert.reason}`,
  }
}

/**
 * An email that failed for good raises a toast; in the desktop app (a preload bridge is there) also
 * a system notification, through the renderer's Notification API, which Electron shows natively.
 */
export function FailureAlerts() {
  useStream(
    'mail:alerts',
    {},
    {
      data: (alert) => {
        const { title, body } = describe(alert)
        notifications.show({
          color: 'red',
          title,
          message: body,
          autoClose: 10_000,
          'data-testid': 'failure-toast',
        })
        if (window.maildock !== undefined && typeof Notification === 'function') {
          new Notification(title, { body, tag: alert.emailId })
        }
      },
    },
  )
  return null
}
