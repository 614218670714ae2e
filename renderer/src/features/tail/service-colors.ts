const PALETTE = [
  'blue',
  'teal',
  'grape',
  'orange',
  'cyan',
  'lime',
  'pink',
  'indigo',
  'yellow',
  'violet',
]

/** A stable Mantine colour per service name, for the coloured prefix of merged lines. */
export function serviceColor(service: string): string {
  let hash = 0
  for (let i = 0; i < service.length; i += 1) hash = (hash * 31 + service.charCodeAt(i)) | 0
  return PALETTE[Math.abs(hash) % PALETTE.length] ?? 'blue'
}
