// The mail stack a benchmark measures: the one `npm run bench -- --quick` starts once and shares
// (its run id in MAILDOCK_BENCH_STACK), or one of the benchmark's own.
import { MailStack, type MailStackOptions } from '../resources/stack/test/mail-stack'

export const SHARED_STACK_ENV = 'MAILDOCK_BENCH_STACK'

/**
 * What every benchmark's stack runs with: services log warnings only, a catcher that keeps enough,
 * and health checks every 2 s as the app's stack has them (electron/main/stack/definition.ts)
 * rather than the tests' 1 s: each check is a `docker exec`, about 0.15 s of CPU here.
 */
export const BENCH_STACK_OPTIONS: MailStackOptions = {
  healthIntervalSeconds: Number(process.env.BENCH_HEALTH_INTERVAL_S ?? 2),
  apiEnv: { LOG_LEVEL: 'warn' },
  emailerEnv: { LOG_LEVEL: 'warn' },
  loggerEnv: { LOG_LEVEL: 'warn' },
  // mail-bulk's full run leaves 62,000 emails in it and checks every one it sent.
  catcherEnv: { MP_MAX_MESSAGES: '100000' },
}

export interface BenchStack {
  stack: MailStack
  shared: boolean
  /** Removes the stack when it is the benchmark's own. */
  release(): Promise<void>
}

/** The shared stack when there is one and `ownOptions` asks for nothing else, else a new one. */
export async function benchStack(ownOptions?: MailStackOptions): Promise<BenchStack> {
  const shared = process.env[SHARED_STACK_ENV]
  if (shared !== undefined && ownOptions === undefined) {
    return { stack: await MailStack.adopt(shared), shared: true, release: async () => {} }
  }
  const stack = await MailStack.start(ownOptions ?? BENCH_STACK_OPTIONS)
  return { stack, shared: false, release: () => stack.stop() }
}
