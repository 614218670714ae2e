import classes from './MiddleEllipsis.module.css'

/**
 * A name cut in the middle when its column is too narrow ("mdbars-em…emailer-2"): the end, where
 * names differ (replica numbers), always shows. The whole name is in the DOM and on hover.
 */
export function MiddleEllipsis({ text, keep = 12 }: { text: string; keep?: number }) {
  const cut = Math.max(0, text.length - keep)
  return (
    <span className={classes.name} title={text} data-testid="middle-ellipsis">
      <span className={classes.head}>{text.slice(0, cut)}</span>
      <span className={classes.tail}>{text.slice(cut)}</span>
    </span>
  )
}
