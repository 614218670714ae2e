// Generated hostile requests for the stack API (issue #11's fuzzing): bad JSON, wrong types, huge
// and deeply nested bodies, control characters in every field, odd methods, paths and content
// types, lying Content-Length, Unicode edge cases. fast-check generates them from a seed.
import fc from 'fast-check'
import type { EmailRequest } from '../../../shared/messages'
import type { RawRequest } from './raw-http'

export interface HostileRequest extends RawRequest {
  kind: string
}

const ROUTES = ['/emails', '/send', '/emails/batch']

/** Characters that break headers, terminals or Unicode handling. */
const nasty = fc.constantFrom(
  '\r\n',
  '\n',
  '\r',
  '\u0000',
  '\u0007',
  '\u001b[2J',
  '\u001b]52;c;cHduZWQ=\u0007',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\ufeff',
  '\u202e',
  '\u200b',
  '\ud800',
  '\udfff',
  '😀',
  'Bcc: x@evil.example',
  '%0d%0a',
  '\t',
)

const hostileString = fc
  .tuple(fc.string({ maxLength: 20 }), nasty, fc.string({ maxLength: 20 }), fc.nat(3))
  .map(([a, bad, b, repeat]) => `${a}${bad.repeat(repeat + 1)}${b}`)

const maybeAddress = fc.oneof(
  fc.constant('ada@example.com'),
  fc.emailAddress(),
  hostileString,
  hostileString.map((s) => `${s}@example.com`),
  fc.string({ maxLength: 300 }).map((s) => `${s}@x.io`),
)

const wrongType = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
)

const field = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 2, arbitrary: valid },
    { weight: 3, arbitrary: hostileString },
    { weight: 1, arbitrary: wrongType },
  )

/** An object that looks like an email, with hostile or wrongly typed values in any field. */
const emailish = fc.record(
  {
    to: field(fc.oneof(maybeAddress, fc.array(maybeAddress, { maxLength: 3 }))),
    cc: field(fc.array(maybeAddress, { maxLength: 2 })),
    bcc: field(fc.array(maybeAddress, { maxLength: 2 })),
    subject: field(fc.string({ maxLength: 50 })),
    text: field(fc.string({ maxLength: 50 })),
    html: field(fc.string({ maxLength: 50 })),
    toaddr: field(maybeAddress),
    body: field(fc.string({ maxLength: 50 })),
    constructor: wrongType,
  },
  { requiredKeys: [] },
)

const deepNesting = fc
  .integer({ min: 1_000, max: 200_000 })
  .map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`)

const badJson = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{"__proto__":{"polluted":1},"to":"a@b.co","subject":"s","text":"t"}',
    '{"constructor":{"prototype":{"polluted":1}},"to":"a@b.co","subject":"s","text":"t"}',
    '{"to":"a@b.co","subject":"\\ud800","text":"t"}',
    '{"to":"a@b.co","subject":"a\\u0000b","text":"t"}',
  ),
  fc.constantFrom('{', '{"to": ', '{"to":"a@b.co",}', 'NaN', '{"a":1e999999}', '\ufeff{}', 'null'),
  deepNesting,
  deepNesting.map((n) => `{"to":${n}}`),
)

const methods = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT'),
  fc.constantFrom('PROPFIND', 'post', 'P0ST', 'X'.repeat(100)),
)

const paths = fc.oneof(
  fc.constantFrom(...ROUTES, '/health', '/health/live', '/', '*'),
  fc.constantFrom('/emails?x=1&x=2', '/emails/../health', '/%2e%2e/etc/passwd', '/emails%00'),
  fc.constantFrom('//emails', '/EMAILS', `/${'a'.repeat(9_000)}`, '/emails#frag', '/%ZZ'),
  fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
)

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  '',
  'application/json\u0000',
)

function request(
  kind: string,
  host: string,
  method: string,
  path: string,
  body: Buffer,
  extra: Array<[string, string]> = [],
  contentLength: number | null = body.length,
  connection = 'close',
): HostileRequest {
  const headers: Array<[string, string]> = [['Host', host], ['Connection', connection], ...extra]
  if (contentLength !== null) headers.push(['Content-Length', String(contentLength)])
  return { kind, method, path, headers, body }
}

const json = (value: unknown): Buffer => {
  try {
    return Buffer.from(JSON.stringify(value) ?? 'undefined', 'utf8')
  } catch {
    return Buffer.from('{}')
  }
}

/** `count` hostile requests, in a fixed mix of kinds, reproducible from `seed`. */
export function hostileRequests(count: number, seed: number, host: string): HostileRequest[] {
  const sample: Sampler = (arbitrary, share) =>
    fc.sample(arbitrary, { numRuns: Math.max(1, Math.round(count * share)), seed })
  return [...hostileBodies(sample, host), ...hostileFraming(sample, host)]
}

/** `share` of the requests, drawn from `arbitrary`. */
type Sampler = <T>(arbitrary: fc.Arbitrary<T>, share: number) => T[]

const route = fc.constantFrom(...ROUTES)
const jsonType: Array<[string, string]> = [['Content-Type', 'application/json']]

/** What the body says: hostile fields, any JSON, broken JSON and UTF-8, odd methods and types. */
function hostileBodies(sample: Sampler, host: string): HostileRequest[] {
  return [
    ...sample(fc.tuple(route, emailish), 0.35).map(([path, body]) =>
      request('hostile fields', host, 'POST', path, json(body), jsonType),
    ),
    ...sample(fc.tuple(route, fc.jsonValue({ maxDepth: 6 })), 0.1).map(([path, body]) =>
      request('any JSON', host, 'POST', path, json(body), jsonType),
    ),
    ...sample(fc.tuple(route, badJson), 0.12).map(([path, body]) =>
      request('bad JSON', host, 'POST', path, Buffer.from(body, 'utf8'), jsonType),
    ),
    ...sample(fc.tuple(route, fc.uint8Array({ maxLength: 300 })), 0.05).map(([path, bytes]) =>
      request('bad UTF-8', host, 'POST', path, Buffer.from(bytes), jsonType),
    ),
    ...sample(fc.tuple(methods, paths, contentTypes, emailish), 0.15).map(
      ([method, path, type, body]) =>
        request('odd method/path/type', host, method, path, json(body), [['Content-Type', type]]),
    ),
  ]
}

/** How the request is framed: lying lengths, control characters, huge or cut bodies, foreign Hosts. */
function hostileFraming(sample: Sampler, host: string): HostileRequest[] {
  return [
    ...sample(fc.tuple(route, emailish, fc.integer({ min: -5, max: 5_000 })), 0.05).map(
      ([path, body, delta]) => {
        const bytes = json(body)
        return request(
          'lying Content-Length',
          host,
          'POST',
          path,
          bytes,
          jsonType,
          bytes.length + delta,
        )
      },
    ),
    ...sample(
      fc.tuple(route, hostileString, fc.constantFrom('Idempotency-Key', 'Content-Type', 'X-Any')),
      0.08,
    ).map(([path, value, name]) =>
      request(
        'control chars in headers',
        host,
        'POST',
        path,
        json({ to: 'a@b.co', subject: 's', text: 't' }),
        [...jsonType, [name, value]],
      ),
    ),
    ...sample(fc.tuple(route, fc.integer({ min: 1, max: 2 })), 0.015).map(([path, megabytes]) =>
      request(
        'huge body',
        host,
        'POST',
        path,
        json({ to: 'a@b.co', subject: 's', text: 'x'.repeat(megabytes * 1024 * 1024) }),
        jsonType,
        undefined,
        // The API answers 413 at once and reads the rest away on a kept-alive connection.
        'keep-alive',
      ),
    ),
    ...sample(fc.tuple(route, fc.nat(200)), 0.02).map(([path, cut]) => ({
      ...request(
        'dropped mid-body',
        host,
        'POST',
        path,
        json({ to: 'a@b.co', subject: 's', text: 'x'.repeat(500) }),
        jsonType,
      ),
      cutAfter: 100 + cut,
    })),
    ...sample(
      fc.tuple(route, fc.constantFrom('evil.example', 'localhost.evil.example:5001', '')),
      0.02,
    ).map(([path, foreign]) =>
      request(
        'foreign Host',
        foreign,
        'POST',
        path,
        json({ to: 'a@b.co', subject: 's', text: 't' }),
        jsonType,
      ),
    ),
  ]
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/

/**
 * An oracle written apart from the API's schemas: what an accepted email must never carry. Says
 * what is wrong, or null.
 */
export function invalidAcceptedEmail(email: EmailRequest): string | null {
  const addresses = [...email.to, ...email.cc, ...email.bcc]
  if (email.to.length === 0) return 'no recipient'
  for (const address of addresses) {
    if (!ADDRESS.test(address) || CONTROL.test(address))
      return `bad address ${JSON.stringify(address)}`
  }
  if (CONTROL.test(email.subject))
    return `control character in subject ${JSON.stringify(email.subject)}`
  if (LONE_SURROGATE.test(email.subject)) return 'lone surrogate in subject'
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(email.id)) return `bad id ${JSON.stringify(email.id)}`
  return null
}
