import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PullProgress } from '../../../shared/contract'
import {
  BASE_IMAGE,
  IDLE_COMMAND,
  cleanupSuite,
  docker,
  freeLowPort,
  startHarness,
  startProxy,
  startRegistry,
  subscribe,
  testLabels,
  uniqueSuite,
  waitFor,
  type Harness,
  type Registry,
} from '../../../test/support/docker'

const suite = uniqueSuite('images')
const labels = testLabels(suite)
const repo = `maildock-test/${suite}`
let h: Harness
let registry: Registry
let work: string

/** A build context folder with a Dockerfile and the files it copies. */
function context(name: string, dockerfile: string, files: Record<string, string | Buffer> = {}) {
  const dir = join(work, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'Dockerfile'), dockerfile)
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content)
  return dir
}

const labelLines = Object.entries(labels)
  .map(([k, v]) => `LABEL ${k}=${v}`)
  .join('\n')

async function build(dir: string, tags: string[]) {
  const stream = subscribe(h.client, 'images:build', {
    context: { kind: 'folder', path: dir },
    tags,
  })
  const batches = await stream.finished
  return { batches, lines: batches.flatMap((b) => b.lines), last: batches.at(-1)! }
}

beforeAll(async () => {
  h = await startHarness()
  registry = await startRegistry()
  work = mkdtempSync(join(tmpdir(), 'maildock-images-'))
})

afterAll(async () => {
  await cleanupSuite(h.engine.client, suite)
  await registry.stop()
  rmSync(work, { recursive: true, force: true })
  await h.close()
})

describe('images against the real engine', () => {
  it('builds from a folder with streamed output, honours .dockerignore, and applies every tag', async () => {
    const dir = context(
      'app',
      `FROM ${BASE_IMAGE}\n${labelLines}\nCOPY . /app\nRUN ls /app > /listing && echo built-ok\n`,
      { 'keep.txt': 'keep', 'secret.env': 'PASSWORD=x', '.dockerignore': 'secret.env\n' },
    )
    const { lines, last, batches } = await build(dir, [`${repo}:app`, `${repo}:also`])
    expect(lines.some((l) => l.startsWith('Step 1/'))).toBe(true)
    expect(lines).toContain('built-ok')
    expect(last).toMatchObject({ done: true, imageId: expect.stringMatching(/^sha256:/) })
    expect(batches.some((b) => b.step !== null)).toBe(true)
    const listing = await docker('run', '--rm', `${repo}:also`, 'cat', '/listing')
    expect(listing.split('\n')).toContain('keep.txt')
    expect(listing.split('\n')).not.toContain('secret.env')
  })

  it('builds from a tar archive', async () => {
    const dir = context('tarred', `FROM ${BASE_IMAGE}\n${labelLines}\nCOPY hello /hello\n`, {
      hello: 'from tar',
    })
    const archive = join(work, 'context.tar.gz')
    execFileSync('tar', ['-C', dir, '-czf', archive, '.'])
    const stream = subscribe(h.client, 'images:build', {
      context: { kind: 'archive', path: archive },
      tags: [`${repo}:tar`],
    })
    const batches = await stream.finished
    expect(batches.at(-1)).toMatchObject({ done: true })
    expect(await docker('run', '--rm', `${repo}:tar`, 'cat', '/hello')).toBe('from tar')
  })

  it('reports a failing build with its step after streaming the output so far', async () => {
    const dir = context(
      'broken',
      `FROM ${BASE_IMAGE}\n${labelLines}\nRUN echo before-failure && exit 3\n`,
    )
    const stream = subscribe(h.client, 'images:build', {
      context: { kind: 'folder', path: dir },
      tags: [],
    })
    await expect(stream.finished).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(
        /^The build failed at step \d\/\d: .*returned a non-zero code: 3/,
      ),
    })
    expect(stream.data.flatMap((b) => b.lines)).toContain('before-failure')
    // The failed step's container is removed too, not left behind in `docker ps -a`.
    expect(await docker('ps', '-aq', '--filter', `label=maildock.test.suite=${suite}`)).toBe('')
    const missing = subscribe(h.client, 'images:build', {
      context: { kind: 'folder', path: join(work, 'nope') },
    })
    await expect(missing.finished).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('Cannot build from'),
    })
  })

  it('lists images with the containers using them, inspects, shows history, tags', async () => {
    const id = await docker(
      'create',
      '--label',
      'maildock.test=1',
      '--label',
      `maildock.test.suite=${suite}`,
      `${repo}:app`,
      ...IDLE_COMMAND,
    )
    const { images } = await h.client.call('images:list', {
      label: [`maildock.test.suite=${suite}`],
    })
    const app = images.find((i) => i.tags.includes(`${repo}:app`))!
    expect(app.tags).toEqual(expect.arrayContaining([`${repo}:app`, `${repo}:also`]))
    expect(app.usedBy).toEqual([{ id, name: expect.any(String), state: 'created' }])
    expect(app.sizeBytes).toBeGreaterThan(0)
    expect(app.dangling).toBe(false)

    const detail = await h.client.call('images:inspect', { id: `${repo}:app` })
    expect(detail).toMatchObject({ id: app.id, os: 'linux', usedBy: [{ id }] })
    expect(detail.labels['maildock.test.suite']).toBe(suite)

    const { entries } = await h.client.call('images:history', { id: `${repo}:app` })
    expect(entries[0]?.createdBy).toMatch(/ls \/app/)
    expect(entries.length).toBeGreaterThan(2)

    await h.client.call('images:tag', { id: app.id, repo: `${repo}-copy`, tag: 'v1' })
    expect(await docker('image', 'inspect', '-f', '{{.Id}}', `${repo}-copy:v1`)).toBe(app.id)
    await docker('rm', id)
  })

  it('refuses to remove an image in use or with several tags unless forced', async () => {
    const id = await docker(
      'run',
      '-d',
      '--label',
      'maildock.test=1',
      '--label',
      `maildock.test.suite=${suite}`,
      `${repo}:tar`,
      ...IDLE_COMMAND,
    )
    const imageId = await docker('image', 'inspect', '-f', '{{.Id}}', `${repo}:tar`)
    await expect(h.client.call('images:remove', { id: imageId })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        /used by running container [0-9a-f]{12}: stop and remove that container first/,
      ),
    })
    await docker('rm', '-f', id)
    // Removing by tag only untags while another tag remains.
    await docker('tag', `${repo}:tar`, `${repo}:tar2`)
    const untag = await h.client.call('images:remove', { id: `${repo}:tar2` })
    expect(untag).toEqual({ untagged: [`${repo}:tar2`], deleted: [] })
    await docker('tag', `${repo}:tar`, `${repo}:tar3`)
    await expect(h.client.call('images:remove', { id: imageId })).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    const forced = await h.client.call('images:remove', { id: imageId, force: true })
    expect(forced.deleted).toContain(imageId)
    await expect(h.client.call('images:remove', { id: imageId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('prunes dangling images and reports the space reclaimed', async () => {
    const dir = context('twice', `FROM ${BASE_IMAGE}\n${labelLines}\nCOPY blob /blob\n`, {
      blob: randomBytes(1 << 20),
    })
    await build(dir, [`${repo}:twice`])
    const first = await docker('image', 'inspect', '-f', '{{.Id}}', `${repo}:twice`)
    writeFileSync(join(dir, 'blob'), randomBytes(1 << 20))
    await build(dir, [`${repo}:twice`])
    const { images } = await h.client.call('images:list', {
      dangling: true,
      label: [`maildock.test.suite=${suite}`],
    })
    expect(images.map((i) => i.id)).toContain(first)
    const pruned = await h.client.call('images:prune', {
      mode: 'dangling',
      label: [`maildock.test.suite=${suite}`],
    })
    expect(pruned.deleted).toContain(first)
    expect(pruned.reclaimedBytes).toBeGreaterThanOrEqual(1 << 20)
    await expect(docker('image', 'inspect', first)).rejects.toThrow(/No such/i)
  })

  describe('pull from a local registry', () => {
    const ref = () => `${registry.address}/${repo}:pull`

    beforeAll(async () => {
      const dir = context('pushed', `FROM scratch\n${labelLines}\nCOPY a /a\nCOPY b /b\n`, {
        a: randomBytes(24 << 20),
        b: randomBytes(24 << 20),
      })
      await build(dir, [ref()])
      await docker('push', ref())
      await docker('rmi', ref())
    })

    it('pulls with per-layer progress and a final snapshot with every layer done', async () => {
      // Paced at 16 MiB/s (about 3 s for both layers) so progress is seen even on a busy machine,
      // where an unpaced loopback pull can finish between two progress batches.
      const port = await freeLowPort()
      const [, upstream] = registry.address.split(':')
      const paced = await startProxy({
        listen: port,
        target: Number(upstream),
        bytesPerSecond: 16 << 20,
      })
      const pacedRef = `127.0.0.1:${port}/${repo}:pull`
      try {
        const pull = subscribe(h.client, 'images:pull', { ref: pacedRef })
        const snapshots: PullProgress[] = await pull.finished
        const last = snapshots.at(-1)!
        expect(last.done).toBe(true)
        expect(last.layers.length).toBeGreaterThanOrEqual(2)
        expect(last.layers.every((l) => l.done && l.status === 'Pull complete')).toBe(true)
        const downloading = snapshots
          .flatMap((s) => s.layers)
          .filter((l) => l.status === 'Downloading')
        expect(downloading.length).toBeGreaterThan(0)
        expect(downloading.every((l) => l.total! >= 24 << 20 && l.current! <= l.total!)).toBe(true)
        expect(last.status).toMatch(/Downloaded newer image/)
        expect(await docker('image', 'inspect', '-f', '{{.Id}}', pacedRef)).toMatch(/^sha256:/)
      } finally {
        await docker('rmi', pacedRef).catch(() => undefined)
        await paced.stop()
      }
    })

    it('cancels a pull when unsubscribed: the engine stops downloading', async () => {
      const port = await freeLowPort()
      const [, upstream] = registry.address.split(':')
      const slow = await startProxy({
        listen: port,
        target: Number(upstream),
        bytesPerSecond: 4 << 20,
      })
      try {
        const slowRef = `127.0.0.1:${port}/${repo}:pull`
        const pull = subscribe(h.client, 'images:pull', { ref: slowRef })
        await pull.until((s) => s.layers.some((l) => l.status === 'Downloading'), 20_000)
        pull.stop()
        await waitFor(
          () => slow.stats().open === 0,
          5_000,
          'the engine to close its registry connections',
        )
        const carried = slow.stats().bytesDown
        await new Promise((r) => setTimeout(r, 500))
        expect(slow.stats().bytesDown).toBe(carried)
        expect(carried).toBeLessThan(48 << 20)
        await expect(docker('image', 'inspect', slowRef)).rejects.toThrow(/No such/i)
      } finally {
        await slow.stop()
      }
    })

    it('explains a missing image and an unreachable registry', async () => {
      const missing = subscribe(h.client, 'images:pull', {
        ref: `${registry.address}/${repo}:nope`,
      })
      await expect(missing.finished).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('Check the image name and tag'),
      })
      const port = await freeLowPort()
      const nowhere = subscribe(h.client, 'images:pull', { ref: `127.0.0.1:${port}/x:1` })
      await expect(nowhere.finished).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining('The registry could not be reached'),
      })
    })
  })
})
