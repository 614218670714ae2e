import type { ImageSummary } from '../../../../shared/contract'

/** Free words match tags, id and the containers using it; `is:dangling`, `is:used`, `is:unused`. */
export function filterImages(images: ImageSummary[], text: string): ImageSummary[] {
  const tokens = text.trim().toLowerCase().split(/\s+/).filter(Boolean)
  if (tokens.length === 0) return images
  return images.filter((image) => {
    const haystack =
      `${image.tags.join(' ')} ${image.id.replace('sha256:', '').slice(0, 12)} ${image.usedBy
        .map((c) => c.name)
        .join(' ')}`.toLowerCase()
    return tokens.every((token) => {
      if (token === 'is:dangling') return image.dangling
      if (token === 'is:used') return image.usedBy.length > 0
      if (token === 'is:unused') return image.usedBy.length === 0
      return haystack.includes(token)
    })
  })
}

export const compareImages = {
  tag: (a: ImageSummary, b: ImageSummary) =>
    (a.tags[0] ?? '\uffff').localeCompare(b.tags[0] ?? '\uffff'),
  id: (a: ImageSummary, b: ImageSummary) => a.id.localeCompare(b.id),
  size: (a: ImageSummary, b: ImageSummary) => a.sizeBytes - b.sizeBytes,
  created: (a: ImageSummary, b: ImageSummary) => a.created - b.created,
  usedBy: (a: ImageSummary, b: ImageSummary) => a.usedBy.length - b.usedBy.length,
}
