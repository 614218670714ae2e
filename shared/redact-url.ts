/** amqp://user@host:port/vhost: a URL with its password removed, for display and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = ''
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return '(invalid URL)'
  }
}
