import { describe, expect, it } from 'vitest'
import { channels, events, MAX_FRAME_BYTES } from '.'
import { stackSettingsSetInput } from './stack-settings'

const accepts = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success

describe('channels with host reach', () => {
  it('has no container create channel and no volume driver options', () => {
    expect(Object.keys(channels)).not.toContain('containers:create')
    expect(accepts(channels['volumes:create'].input, { name: 'v' })).toBe(true)
    expect(
      accepts(channels['volumes:create'].input, {
        name: 'v',
        driverOptions: { type: 'none', o: 'bind', device: '/' },
      }),
    ).toBe(false)
  })

  it('takes a Dockerfile only inside the build context', () => {
    const build = (dockerfile: string) =>
      accepts(events['images:build'].input, {
        context: { kind: 'folder', path: '/home/me/app' },
        dockerfile,
      })
    expect(build('docker/Dockerfile')).toBe(true)
    expect(build('../Dockerfile')).toBe(false)
    expect(build('/etc/passwd')).toBe(false)
  })
})

describe('control characters', () => {
  const email = { to: ['ann@example.org'], subject: 'Hi', text: 'Hello' }
  const send = (subject: string) =>
    accepts(channels['mail:send'].input, { email: { ...email, subject } })

  it('refuses C0 and C1 controls but tab in subjects and names', () => {
    expect(send('Tab\tis fine')).toBe(true)
    for (const bad of ['\u001b]0;owned\u0007', 'a\rb', 'a\nBcc: x@y', '\u009b2J', '\u0000'])
      expect(send(`Hi ${bad}`)).toBe(false)
    const save = channels['mail:template-save'].input
    expect(accepts(save, { name: 'Welcome', subject: 'Hi', text: 'x' })).toBe(true)
    expect(accepts(save, { name: 'We\u001b[2Jlcome', subject: 'Hi', text: 'x' })).toBe(false)
    expect(accepts(save, { name: 'Welcome', subject: 'Hi\u0085', text: 'x' })).toBe(false)
  })
})

describe('control characters in engine names and labels', () => {
  const bad = [
    'a\u0000b',
    'a\tb',
    'net\nwork',
    '\u001b]0;owned\u0007',
    'x\u007f',
    'x\u0085',
    'x\u009b2J',
  ]
  const network = (patch: Record<string, unknown>) =>
    accepts(channels['networks:create'].input, { name: 'net', ...patch })
  const volume = (patch: Record<string, unknown>) =>
    accepts(channels['volumes:create'].input, { name: 'vol', ...patch })

  it('refuses them in network names, drivers, subnets and aliases', () => {
    expect(network({})).toBe(true)
    expect(network({ subnet: '10.9.0.0/24', labels: { team: 'mail' } })).toBe(true)
    for (const text of bad) {
      expect(network({ name: text })).toBe(false)
      expect(network({ driver: text })).toBe(false)
      expect(network({ subnet: text })).toBe(false)
      const connect = { id: 'n', container: 'c', aliases: [text] }
      expect(accepts(channels['networks:connect'].input, connect)).toBe(false)
    }
  })

  it('refuses them in volume names and drivers', () => {
    expect(volume({})).toBe(true)
    expect(volume({ name: '' })).toBe(true)
    for (const text of bad) {
      expect(volume({ name: text })).toBe(false)
      expect(volume({ driver: text })).toBe(false)
    }
  })

  it('refuses them in label keys, label values and label filters', () => {
    expect(volume({ labels: { 'maildock.test': '1', empty: '' } })).toBe(true)
    expect(accepts(channels['volumes:list'].input, { label: ['maildock.test=1'] })).toBe(true)
    for (const text of bad) {
      expect(volume({ labels: { [text]: '1' } })).toBe(false)
      expect(network({ labels: { team: text } })).toBe(false)
      expect(accepts(channels['volumes:list'].input, { label: [text] })).toBe(false)
      expect(accepts(channels['networks:prune'].input, { label: [`k=${text}`] })).toBe(false)
    }
  })
})

describe('engine ids and names', () => {
  it('takes only the characters the engine uses, so none can bend a request path', () => {
    const inspect = (id: string) => accepts(channels['containers:inspect'].input, { id })
    for (const good of ['3f2a9c', 'maildock-api-1', 'rabbitmq:4.2-management', 'a/b@sha256:00'])
      expect(inspect(good)).toBe(true)
    for (const bad of ['a b', 'x?all=1', '../x', 'é', '\uD800', 'a#b', 'a%2F'])
      expect(inspect(bad)).toBe(false)
    expect(accepts(channels['volumes:remove'].input, { name: 'v?force=1' })).toBe(false)
    expect(accepts(channels['containers:kill'].input, { id: 'c', signal: 'SIGTERM' })).toBe(true)
    expect(accepts(channels['containers:kill'].input, { id: 'c', signal: '\uD800' })).toBe(false)
  })
})

describe('SMTP settings', () => {
  const smtp = (patch: Record<string, unknown>) =>
    accepts(stackSettingsSetInput, { patch: { smtp: patch } })

  it('refuses line breaks and spaces in the relay host and user', () => {
    expect(smtp({ host: 'smtp.example.com', user: 'me@example.com' })).toBe(true)
    expect(smtp({ host: '[2001:db8::1]' })).toBe(true)
    expect(smtp({ host: 'smtp.example.com\r\nRCPT TO:<x@y>' })).toBe(false)
    expect(smtp({ host: 'smtp example.com' })).toBe(false)
    expect(smtp({ user: 'me\nMAILDOCK_X=1' })).toBe(false)
    expect(smtp({ user: ' me' })).toBe(false)
    expect(accepts(stackSettingsSetInput, { smtpPassword: 'pa ss' })).toBe(true)
    expect(accepts(stackSettingsSetInput, { smtpPassword: 'pa\nss' })).toBe(false)
  })
})

describe('frame size', () => {
  it('fits the largest bulk send the schema accepts', () => {
    const input = {
      csv: '€'.repeat(20 * 1024 * 1024),
      mapping: { to: 'email' },
      template: { subject: 'x', text: '"'.repeat(1024 * 1024), html: '€'.repeat(1024 * 1024) },
    }
    expect(accepts(channels['mail:bulk-start'].input, input)).toBe(true)
    const frame = JSON.stringify({ type: 'call', id: 1, channel: 'mail:bulk-start', input })
    expect(new TextEncoder().encode(frame).length).toBeLessThanOrEqual(MAX_FRAME_BYTES)
    expect(accepts(channels['mail:bulk-start'].input, { ...input, csv: 'a\u0001b' })).toBe(false)
  }, 60_000)
})
