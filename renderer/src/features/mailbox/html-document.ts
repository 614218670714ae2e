// The caught HTML, framed for a sandboxed iframe (sandbox="" : no scripts, no forms, no
// navigation): a CSP in the document blocks every fetch, remote images only when allowed.

const escapeAttribute = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;')

export function contentSecurityPolicy(allowRemoteImages: boolean): string {
  const images = allowRemoteImages ? 'data: cid: https: http:' : 'data: cid:'
  return `default-src 'none'; style-src 'unsafe-inline'; img-src ${images}; font-src data:; form-action 'none'; base-uri 'none'`
}

/** Whether the HTML loads anything from the network (what "Show remote images" would allow). */
export function hasRemoteImages(html: string): boolean {
  return (
    /<img\b[^>]*\bsrc\s*=\s*["']?\s*(https?:)?\/\//i.test(html) ||
    /url\(\s*["']?(https?:)?\/\//i.test(html)
  )
}

/** srcdoc for the frame: the CSP meta first, so it applies before any of the email's markup. */
export function frameDocument(html: string, allowRemoteImages: boolean): string {
  const csp = `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(allowRemoteImages))}">`
  return `<!doctype html><html><head>${csp}<meta charset="utf-8"><base target="_blank"></head><body>${html}</body></html>`
}
