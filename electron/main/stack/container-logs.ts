import type Docker from 'dockerode'
import { streamContainerLogs } from '../docker'

/** The last `lines` lines a container wrote (stdout and stderr), for an error message. */
export async function recentLogs(docker: Docker, id: string, lines = 60): Promise<string[]> {
  const collected: string[] = []
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), 5_000)
  try {
    await streamContainerLogs(
      docker,
      { id, tail: lines, follow: false, stdout: true, stderr: true },
      {
        emit: (batch) => collected.push(...batch.lines.map((line) => line.text)),
        signal: controller.signal,
      },
    )
  } catch {
    // The logs only decorate an error that is already being reported.
  } finally {
    clearTimeout(timer)
  }
  return collected.slice(-lines)
}
