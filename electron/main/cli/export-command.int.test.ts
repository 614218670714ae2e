// `maildock export --target swarm|kubernetes --out DIR` from the CLI, on the real engine (it reads
// which images exist; it creates nothing there): the files, their modes, the secrets and the
// exit codes of bad input.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { runCli, type CliRun } from '../../../test/support/cli'
import { stackEnv, uniqueStackName } from '../../../test/support/stack'

const folder = mkdtempSync(join(tmpdir(), 'maildock-export-'))
const stack = uniqueStackName('mdex')
const env = {
  ...process.env,
  ...stackEnv(stack, { MAILDOCK_QUEUE_TYPE: 'quorum' }),
  MAILDOCK_DATA_DIR: join(folder, 'data'),
}
const maildock = (...args: string[]): Promise<CliRun> => runCli(env, ...args)
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8)

afterAll(() => {
  rmSync(folder, { recursive: true, force: true })
})

describe('maildock export', () => {
  it('writes the swarm stack and its secrets script (0600, with the passwords when asked)', async () => {
    const out = join(folder, 'swarm')
    const run = await maildock('export', '--target', 'swarm', '--out', out, '--with-secrets')
    expect(run.code, run.stderr).toBe(0)
    const stackFile = readFileSync(join(out, 'stack.yml'), 'utf8')
    const { services } = parse(stackFile) as {
      services: Record<string, { deploy: { endpoint_mode: string } }>
    }
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['broker-1', 'broker-3', 'api']))
    expect(services.api?.deploy.endpoint_mode).toBe('dnsrr')
    expect(mode(join(out, 'stack.yml'))).toBe('644')
    expect(mode(join(out, 'create-secrets.sh'))).toBe('600')
    const password = readFileSync(join(out, 'create-secrets.sh'), 'utf8').match(
      /^MAILDOCK_BROKER_PASSWORD='([^']+)'$/m,
    )?.[1]
    expect(password?.length).toBeGreaterThanOrEqual(16)
    expect(stackFile).not.toContain(password)
    expect(run.stderr).toContain(`docker stack deploy -c stack.yml ${stack}`)
  })

  it('writes the kustomize folder, secrets named only', async () => {
    const out = join(folder, 'k8s')
    const run = await maildock('export', '--target', 'kubernetes', '--out', out)
    expect(run.code, run.stderr).toBe(0)
    expect(readFileSync(join(out, 'kustomization.yaml'), 'utf8')).toMatch(/broker-operator/)
    const cluster = parse(
      readFileSync(join(out, 'broker-operator', 'rabbitmq-cluster.yaml'), 'utf8'),
    ) as { kind: string; metadata: { namespace: string } }
    expect(cluster.kind).toBe('RabbitmqCluster')
    expect(cluster.metadata.namespace).toBe(stack)
    const script = readFileSync(join(out, 'create-secrets.sh'), 'utf8')
    expect(script).toMatch(/set MAILDOCK_BROKER_PASSWORD/)
    expect(mode(join(out, 'create-secrets.sh'))).toBe('600')
    expect(run.stderr).toMatch(/kubectl apply -k \./)
  })

  it('refuses an unknown target, a folder export without --out and an unknown port mode', async () => {
    const target = await maildock('export', '--target', 'nomad')
    expect(target.code).toBe(2)
    expect(target.stderr).toMatch(/--target must be one of compose, swarm, kubernetes/)
    const noOut = await maildock('export', '--target', 'kubernetes')
    expect(noOut.code).toBe(2)
    expect(noOut.stderr).toMatch(/pass --out <dir>/)
    const ports = await maildock('export', '--target', 'swarm', '--swarm-ports', 'mesh')
    expect(ports.code).toBe(2)
    expect(ports.stderr).toMatch(/--swarm-ports must be host or ingress/)
  })
})
