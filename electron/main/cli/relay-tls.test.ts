// A relay password never goes in clear text unless the settings say so (issue #11, point 4).
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { SmtpTlsMode, StackStatus } from '../../../shared/contract'
import { CREDENTIALS, definitionWith } from '../../../test/support/stack-fixtures'
import { StackSettingsStore } from '../settings'
import { formatStatus } from './stack-command'

const emailerEnv = (tls: SmtpTlsMode, user = 'me') =>
  definitionWith(
    (s) => {
      s.smtp = { host: 'smtp.example.com', port: null, user, tls }
    },
    { ...CREDENTIALS, smtpPassword: 'p$ss' },
  ).services.find((s) => s.service === 'emailer')?.env ?? {}

describe('relay TLS with a user and password', () => {
  it('auto requires TLS (STARTTLS) once a user is set, and stays opportunistic without one', () => {
    expect(emailerEnv('auto')).toMatchObject({ SMTP_REQUIRE_TLS: 'true', SMTP_USER: 'me' })
    expect(emailerEnv('auto')).not.toHaveProperty('SMTP_IGNORE_TLS')
    expect(emailerEnv('auto', '')).not.toHaveProperty('SMTP_REQUIRE_TLS')
  })

  it('sends in clear text only with the explicit insecure mode', () => {
    expect(emailerEnv('insecure')).toMatchObject({
      SMTP_IGNORE_TLS: 'true',
      SMTP_ALLOW_PLAINTEXT_AUTH: 'true',
    })
    expect(emailerEnv('off')).not.toHaveProperty('SMTP_ALLOW_PLAINTEXT_AUTH')
  })

  it('refuses off with a user as a settings problem, and reads insecure from the environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'maildock-tls-'))
    const relay = { MAILDOCK_SMTP_HOST: 'smtp.example.com', MAILDOCK_SMTP_USER: 'me' }
    const off = await new StackSettingsStore(dir, { ...relay, MAILDOCK_SMTP_TLS: 'off' }).load()
    expect(off.problems).toEqual([expect.stringMatching(/clear text.*"insecure"/)])
    await expect(
      new StackSettingsStore(dir, { ...relay, MAILDOCK_SMTP_TLS: 'off' }).loadStrict(),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    const insecure = await new StackSettingsStore(dir, {
      ...relay,
      MAILDOCK_SMTP_TLS: 'insecure',
    }).load()
    expect(insecure.problems).toEqual([])
    expect(insecure.settings.smtp.tls).toBe('insecure')
  })

  it('shows the clear-text warning in `maildock status`', () => {
    const status: StackStatus = {
      name: 'maildock',
      engine: { state: 'unreachable', error: null },
      state: 'unknown',
      busy: null,
      services: [],
      network: { name: 'maildock-net', exists: false },
      volumes: [],
      problems: [],
      warnings: [
        'TLS is off (insecure): the password of me is sent to smtp.example.com in clear text',
      ],
      checkedAt: 0,
    }
    expect(formatStatus(status)).toContain(
      'Warning: TLS is off (insecure): the password of me is sent to smtp.example.com in clear text',
    )
  })
})
