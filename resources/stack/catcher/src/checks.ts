// Mailpit's message checks in its JSON shapes: HTML compatibility (a small rule set in the spirit
// of caniemail.com) and the link check (outbound HEAD requests, only when asked for).

interface Rule {
  slug: string
  title: string
  category: 'html' | 'css'
  pattern: RegExp
  /** Clients that do not support it (the rest do). */
  unsupported: string[]
}

const CLIENTS = [
  'Apple Mail',
  'Gmail',
  'Outlook Windows',
  'Outlook.com',
  'Yahoo! Mail',
  'Thunderbird',
]

const RULES: Rule[] = [
  {
    slug: 'html-script',
    title: '<script> element',
    category: 'html',
    pattern: /<script\b/i,
    unsupported: CLIENTS,
  },
  {
    slug: 'html-form',
    title: '<form> element',
    category: 'html',
    pattern: /<form\b/i,
    unsupported: ['Gmail', 'Outlook Windows', 'Outlook.com'],
  },
  {
    slug: 'html-svg',
    title: '<svg> element',
    category: 'html',
    pattern: /<svg\b/i,
    unsupported: ['Gmail', 'Outlook Windows', 'Outlook.com'],
  },
  {
    slug: 'html-video',
    title: '<video> element',
    category: 'html',
    pattern: /<video\b/i,
    unsupported: ['Gmail', 'Outlook Windows', 'Outlook.com', 'Yahoo! Mail'],
  },
  {
    slug: 'css-display-flex',
    title: 'display:flex',
    category: 'css',
    pattern: /display\s*:\s*(inline-)?flex/i,
    unsupported: ['Outlook Windows'],
  },
  {
    slug: 'css-display-grid',
    title: 'display:grid',
    category: 'css',
    pattern: /display\s*:\s*(inline-)?grid/i,
    unsupported: ['Gmail', 'Outlook Windows', 'Outlook.com', 'Yahoo! Mail'],
  },
  {
    slug: 'css-position',
    title: 'position',
    category: 'css',
    pattern: /position\s*:\s*(absolute|fixed|sticky)/i,
    unsupported: ['Gmail', 'Outlook Windows', 'Outlook.com', 'Yahoo! Mail'],
  },
  {
    slug: 'css-background-image',
    title: 'background-image',
    category: 'css',
    pattern: /background-image\s*:/i,
    unsupported: ['Outlook Windows'],
  },
]

const percent = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100

/** GET /api/v1/message/{ID}/html-check */
export function htmlCheck(html: string) {
  const found = RULES.filter((rule) => rule.pattern.test(html))
  const warnings = found.map((rule) => {
    const unsupported = rule.unsupported.length
    return {
      Slug: rule.slug,
      Title: rule.title,
      Description: '',
      URL: `https://www.caniemail.com/features/${rule.slug}/`,
      Category: rule.category,
      Tags: [],
      Keywords: '',
      NotesByNumber: {},
      Results: rule.unsupported.map((name) => ({
        Family: name.toLowerCase().split(/\W/)[0] ?? name,
        Name: name,
        Platform: 'desktop-webmail',
        Version: '',
        Support: 'no',
        NoteNumber: '',
      })),
      Score: {
        Found: (html.match(new RegExp(rule.pattern.source, 'gi')) ?? []).length,
        Supported: percent(CLIENTS.length - unsupported, CLIENTS.length),
        Partial: 0,
        Unsupported: percent(unsupported, CLIENTS.length),
      },
    }
  })
  const tests = RULES.length * CLIENTS.length
  const failing = found.reduce((sum, rule) => sum + rule.unsupported.length, 0)
  return {
    Platforms: Object.fromEntries(CLIENTS.map((client) => [client, ['desktop-webmail']])),
    Total: {
      Nodes: (html.match(/<[a-z][^>]*>/gi) ?? []).length,
      Tests: tests,
      Supported: percent(tests - failing, tests),
      Partial: 0,
      Unsupported: percent(failing, tests),
    },
    Warnings: warnings,
  }
}

/** Every http(s) link and image source in the HTML and text parts, without repeats. */
export function extractLinks(html: string, text: string): string[] {
  const links = new Set<string>()
  for (const match of html.matchAll(/\b(?:href|src)\s*=\s*["']?(https?:\/\/[^"'\s>]+)/gi)) {
    if (match[1] !== undefined) links.add(match[1])
  }
  for (const match of text.matchAll(/https?:\/\/[^\s<>"')]+/gi)) links.add(match[0])
  return [...links]
}

async function checkLink(url: string, follow: boolean) {
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: follow ? 'follow' : 'manual',
      signal: AbortSignal.timeout(5_000),
    })
    return { URL: url, StatusCode: response.status, Status: response.statusText || 'OK' }
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code
    const status = typeof code === 'string' ? code : (error as Error).message
    return { URL: url, StatusCode: 0, Status: status }
  }
}

/** GET /api/v1/message/{ID}/link-check: requests each link, at most 8 at a time. */
export async function linkCheck(html: string, text: string, follow: boolean) {
  const urls = extractLinks(html, text).slice(0, 200)
  const results: Awaited<ReturnType<typeof checkLink>>[] = []
  for (let index = 0; index < urls.length; index += 8) {
    results.push(
      ...(await Promise.all(urls.slice(index, index + 8).map((url) => checkLink(url, follow)))),
    )
  }
  const errors = results.filter((link) => link.StatusCode === 0 || link.StatusCode >= 400).length
  return { Errors: errors, Links: results }
}
