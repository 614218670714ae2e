// What the Mailbox's message view asks of a caught HTML part. The part itself is served as its own
// document with its own CSP (electron/main/mailbox/message-document.ts), framed with sandbox="".

/** Whether the HTML loads anything from the network (what "Show remote images" would allow). */
export function hasRemoteImages(html: string): boolean {
  return (
    /<img\b[^>]*\bsrc\s*=\s*["']?\s*(https?:)?\/\//i.test(html) ||
    /url\(\s*["']?(https?:)?\/\//i.test(html)
  )
}
