import { useSyncExternalStore } from 'react'
import type {
  EventInput,
  MaildockClient,
  PullProgress,
  Unsubscribe,
} from '../../../../shared/contract'
import { useClient } from '../../transport/client'
import { appendToWindow, emptyWindow, type LogWindow } from '../../ui/log-window'
import { formatDuration } from '../../ui/format'
import { notifyDone, notifyError } from '../../ui/notify'

export type JobState = 'running' | 'done' | 'failed' | 'cancelled'

interface JobBase {
  key: string
  state: JobState
  startedAt: number
  endedAt?: number
  error?: string
}

export interface PullJob extends JobBase {
  kind: 'pull'
  ref: string
  progress?: PullProgress
}

export interface BuildJob extends JobBase {
  kind: 'build'
  input: EventInput<'images:build'>
  output: LogWindow
  step: { current: number; total: number } | null
  imageId?: string
}

export type Job = PullJob | BuildJob

const BUILD_OUTPUT_LINES = 2000

/**
 * Pulls and builds outlive the Images panel: they belong to the client, not to a component, so
 * leaving the panel does not cancel them. Cancel unsubscribes, which aborts the request in main.
 */
export class TransferStore {
  private jobs: Job[] = []
  private readonly listeners = new Set<() => void>()
  private readonly streams = new Map<string, Unsubscribe>()
  private counter = 0

  constructor(private readonly client: MaildockClient) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): Job[] => this.jobs

  private update(key: string, change: (job: Job) => Job): void {
    this.jobs = this.jobs.map((job) => (job.key === key ? change(job) : job))
    for (const listener of this.listeners) listener()
  }

  private add(job: Job): void {
    this.jobs = [job, ...this.jobs]
    for (const listener of this.listeners) listener()
  }

  private finish(key: string, state: JobState, error?: string): void {
    this.streams.get(key)?.()
    this.streams.delete(key)
    this.update(key, (job) =>
      job.state === 'running'
        ? { ...job, state, endedAt: Date.now(), ...(error ? { error } : {}) }
        : job,
    )
    const job = this.jobs.find((j) => j.key === key)
    if (!job) return
    const what =
      job.kind === 'pull' ? `Pull of ${job.ref}` : `Build ${job.input.tags?.[0] ?? ''}`.trim()
    const took = formatDuration((job.endedAt ?? Date.now()) - job.startedAt)
    if (state === 'done') notifyDone(`${what} finished`, `in ${took}`)
    else if (state === 'failed') notifyError(`${what} failed`, new Error(error ?? 'failed'))
  }

  startPull(ref: string): string {
    const key = `pull-${++this.counter}`
    this.add({ kind: 'pull', key, ref, state: 'running', startedAt: Date.now() })
    const stop = this.client.subscribe(
      'images:pull',
      { ref },
      {
        data: (progress) => {
          this.update(key, (job) => ({ ...job, progress }) as PullJob)
          if (progress.done) this.finish(key, 'done')
        },
        error: (error) => this.finish(key, 'failed', error.message),
        end: () => this.finish(key, 'failed', 'The pull stopped before it finished.'),
      },
    )
    if (this.jobs.find((j) => j.key === key)?.state === 'running') this.streams.set(key, stop)
    else stop()
    return key
  }

  startBuild(input: EventInput<'images:build'>): string {
    const key = `build-${++this.counter}`
    this.add({
      kind: 'build',
      key,
      input,
      state: 'running',
      startedAt: Date.now(),
      output: emptyWindow,
      step: null,
    })
    const stop = this.client.subscribe('images:build', input, {
      data: (batch) => {
        this.update(key, (job) => {
          const build = job as BuildJob
          return {
            ...build,
            output: appendToWindow(
              build.output,
              batch.lines.map((text) => ({ text })),
              batch.dropped,
              BUILD_OUTPUT_LINES,
            ),
            step: batch.step ?? build.step,
            ...(batch.imageId ? { imageId: batch.imageId } : {}),
          }
        })
        if (batch.done) this.finish(key, 'done')
      },
      error: (error) => this.finish(key, 'failed', error.message),
      end: () => this.finish(key, 'failed', 'The build stopped before it finished.'),
    })
    if (this.jobs.find((j) => j.key === key)?.state === 'running') this.streams.set(key, stop)
    else stop()
    return key
  }

  cancel(key: string): void {
    this.finish(key, 'cancelled')
  }

  /** Drops every pull and build that has ended. */
  dismissFinished(): void {
    this.jobs = this.jobs.filter((job) => job.state === 'running')
    for (const listener of this.listeners) listener()
  }

  dismiss(key: string): void {
    if (this.streams.has(key)) this.cancel(key)
    this.jobs = this.jobs.filter((job) => job.key !== key)
    for (const listener of this.listeners) listener()
  }
}

const stores = new WeakMap<MaildockClient, TransferStore>()

export function transfersFor(client: MaildockClient): TransferStore {
  let store = stores.get(client)
  if (!store) {
    store = new TransferStore(client)
    stores.set(client, store)
  }
  return store
}

export function useTransfers(): { jobs: Job[]; store: TransferStore } {
  const store = transfersFor(useClient())
  const jobs = useSyncExternalStore(store.subscribe, store.getSnapshot)
  return { jobs, store }
}
