/**
 * The HTML part as the recipient's client would show it, in a sandboxed frame: no scripts, no
 * forms, no same-origin access, and remote content blocked by a CSP inside the document.
 */
export function HtmlPreview({ html }: { html: string }) {
  const csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
  const document = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"></head><body>${html}</body></html>`
  return (
    <iframe
      title="HTML preview"
      sandbox=""
      srcDoc={document}
      data-testid="html-preview"
      style={{
        width: '100%',
        height: 260,
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 4,
        background: 'white',
      }}
    />
  )
}
