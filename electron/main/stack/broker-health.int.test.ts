// The broker's health check, as the stack defines it, run by the real engine against the real
// broker image: it turns the container healthy and leaves no line in the broker's log. And its
// ready line: printed once the broker takes connections, before the health check has to pass.
import { connect } from 'node:net'
import Docker from 'dockerode'
import { afterAll, describe, expect, it } from 'vitest'
import { definitionWith } from '../../../test/support/stack-fixtures'
import { eventually } from '../../../test/support/stack'
import { readyLineSeen } from './ready-line'

const docker = new Docker()
const SECOND_NS = 1_000_000_000
let containerId: string | undefined

const following = new AbortController()

afterAll(async () => {
  following.abort()
  if (containerId) await docker.getContainer(containerId).remove({ force: true })
})

/** Whether a TCP connection to the address opens, closed at once as the health check does. */
const accepts = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, host)
    const answer = (taken: boolean) => {
      socket.destroy()
      resolve(taken)
    }
    socket.once('connect', () => answer(true))
    socket.once('error', () => answer(false))
    socket.setTimeout(5_000, () => answer(false))
  })

interface HealthState {
  Status: string
  Log: Array<{ ExitCode: number }>
}

describe('broker health check', () => {
  it('prints its ready line once it takes connections, then reports healthy and leaves no trace in the broker log over many checks', async () => {
    const broker = definitionWith().services.find((s) => s.service === 'broker')
    if (!broker?.health.test) throw new Error('the broker has no health check')
    const image = process.env.MAILDOCK_BROKER_IMAGE
    if (!image) throw new Error('MAILDOCK_BROKER_IMAGE is not set (test/global-setup.ts sets it)')
    const container = await docker.createContainer({
      Image: image,
      Hostname: 'broker',
      Env: Object.entries(broker.env).map(([key, value]) => `${key}=${value}`),
      Labels: { 'maildock.test': '1' },
      Healthcheck: {
        Test: broker.health.test,
        Interval: 1 * SECOND_NS,
        Timeout: broker.health.timeoutSeconds * SECOND_NS,
        Retries: broker.health.retries,
        StartPeriod: broker.health.startPeriodSeconds * SECOND_NS,
      },
    })
    containerId = container.id
    if (!broker.readyLine) throw new Error('the broker has no ready line')
    await container.start()
    const line = readyLineSeen(docker, [container.id], broker.readyLine, 0, following.signal)
    const ip = (await container.inspect()).NetworkSettings.Networks.bridge?.IPAddress ?? ''
    const takenWhileBooting = await accepts(ip, 5672)

    // The ready line (apply.ts tells the broker's clients to connect on it) means the listener
    // is open: a connection made right after it is taken, where one made while booting was not.
    expect(await line).toMatch(/started TCP listener on \S+:5672/)
    expect(await accepts(ip, 5672)).toBe(true)
    expect(takenWhileBooting).toBe(false)

    // Healthy, and the engine's last five checks (it keeps five) all passed.
    const passedAfterHealthy = await eventually(
      'five passing checks in a row',
      async () => {
        const health = (await container.inspect()).State.Health as HealthState | undefined
        if (health?.Status !== 'healthy') return undefined
        const passed = health.Log.filter((entry) => entry.ExitCode === 0).length
        return passed >= 5 ? passed : undefined
      },
      150_000,
    )
    expect(passedAfterHealthy).toBeGreaterThanOrEqual(5)

    const log = (await container.logs({ stdout: true, stderr: true })).toString('utf8')
    const booted = log.indexOf('Server startup complete')
    expect(booted).toBeGreaterThan(-1)
    const afterBoot = log.slice(booted)
    expect(afterBoot).not.toMatch(/accepting AMQP connection|closing AMQP connection/)
    expect(afterBoot).not.toMatch(/\[(warning|error)\]/)
  })
})
