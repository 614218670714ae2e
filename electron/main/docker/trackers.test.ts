import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toDockerEvent } from './docker-events'
import { EndpointSetting } from './endpoint-setting'
import { BuildTracker } from './image-build'
import { PullTracker } from './image-pull'
import { JsonLines } from '../lib/json-lines'

describe('PullTracker', () => {
  it('keeps one entry per layer with its byte progress, and the overall status apart', () => {
    const tracker = new PullTracker('127.0.0.1:5000/x:1', 1000)
    const messages = [
      { status: 'Pulling from x', id: '1' },
      { status: 'Pulling fs layer', progressDetail: {}, id: 'aaa' },
      { status: 'Already exists', progressDetail: {}, id: 'bbb' },
      { status: 'Downloading', progressDetail: { current: 512, total: 2048 }, id: 'aaa' },
      { status: 'Verifying Checksum', progressDetail: {}, id: 'aaa' },
      { status: 'Download complete', progressDetail: {}, id: 'aaa' },
      { status: 'Extracting', progressDetail: { current: 1024, total: 2048 }, id: 'aaa' },
    ]
    messages.forEach((m) => tracker.apply(m))
    expect(tracker.snapshot(false)).toEqual({
      ref: '127.0.0.1:5000/x:1',
      startedAt: 1000,
      status: 'Pulling from x (1)',
      done: false,
      layers: [
        { id: 'aaa', status: 'Extracting', current: 1024, total: 2048, done: false },
        { id: 'bbb', status: 'Already exists', done: true },
      ],
    })
    tracker.apply({ status: 'Pull complete', progressDetail: {}, id: 'aaa' })
    tracker.apply({ status: 'Status: Downloaded newer image for x:1' })
    const last = tracker.snapshot(true)
    expect(last.layers.every((l) => l.done)).toBe(true)
    expect(last.status).toBe('Status: Downloaded newer image for x:1')
  })

  it('remembers the error the engine put in the stream', () => {
    const tracker = new PullTracker('x')
    tracker.apply({ error: 'boom', errorDetail: { message: 'manifest unknown' } })
    expect(tracker.error).toBe('manifest unknown')
  })
})

describe('BuildTracker', () => {
  it('splits stream text into lines, follows the step and the image id, keeps the error', () => {
    const lines: string[] = []
    const tracker = new BuildTracker((line) => lines.push(line))
    tracker.apply({ stream: 'Step 1/2 : FROM scratch\n' })
    tracker.apply({ stream: ' ---> Running in 1\npartial ' })
    tracker.apply({ stream: 'line\n' })
    tracker.apply({ stream: 'Step 2/2 : RUN false\n' })
    tracker.apply({ aux: { ID: 'sha256:abc' } })
    tracker.apply({ error: 'x', errorDetail: { message: 'returned a non-zero code: 1' } })
    tracker.end()
    expect(lines).toEqual([
      'Step 1/2 : FROM scratch',
      ' ---> Running in 1',
      'partial line',
      'Step 2/2 : RUN false',
    ])
    expect(tracker.step).toEqual({ current: 2, total: 2 })
    expect(tracker.imageId).toBe('sha256:abc')
    expect(tracker.error).toBe('returned a non-zero code: 1')
  })
})

describe('JsonLines', () => {
  it('parses objects split across chunks and several in one chunk, including split characters', () => {
    const seen: unknown[] = []
    const garbage: string[] = []
    const lines = new JsonLines<unknown>(
      (v) => seen.push(v),
      (g) => garbage.push(g),
    )
    const bytes = Buffer.from('{"a":"é"}\n{"b":2}\n{"c"')
    lines.push(bytes.subarray(0, 7))
    lines.push(bytes.subarray(7))
    lines.push(':3}\nnot json\n')
    lines.end()
    expect(seen).toEqual([{ a: 'é' }, { b: 2 }, { c: 3 }])
    expect(garbage).toEqual(['not json'])
  })
})

describe('toDockerEvent', () => {
  it('maps container, volume and network events, and drops exec noise and unknown types', () => {
    expect(
      toDockerEvent({
        Type: 'container',
        Action: 'start',
        Actor: { ID: 'c1', Attributes: { name: 'web', image: 'x' } },
        time: 1,
        timeNano: 1_500_000_000,
      }),
    ).toEqual({
      type: 'container',
      action: 'start',
      id: 'c1',
      name: 'web',
      attributes: { name: 'web', image: 'x' },
      time: 1500,
    })
    expect(
      toDockerEvent({
        Type: 'volume',
        Action: 'create',
        Actor: { ID: 'data', Attributes: { driver: 'local' } },
        time: 2,
      }),
    ).toMatchObject({
      name: 'data',
      time: 2000,
    })
    expect(
      toDockerEvent({ Type: 'container', Action: 'exec_start: sh -c true', Actor: { ID: 'c1' } }),
    ).toBeNull()
    expect(toDockerEvent({ Type: 'plugin', Action: 'enable', Actor: { ID: 'p' } })).toBeNull()
  })
})

describe('EndpointSetting', () => {
  it('persists the chosen address as JSON and forgets it on null', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maildock-data-'))
    try {
      const setting = EndpointSetting.inDataDir(join(dir, 'nested'))
      expect(setting.read()).toBeNull()
      setting.write('unix:///tmp/other.sock')
      expect(new EndpointSetting(setting.file).read()).toBe('unix:///tmp/other.sock')
      setting.write(null)
      expect(setting.read()).toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
