import { render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fullTextTerms, markMatches, termPattern } from './search-marks'

const marked = (query: string, text: string) => {
  const { container } = render(<p>{markMatches(text, termPattern(fullTextTerms(query)))}</p>)
  return {
    marks: [...container.querySelectorAll('mark')].map((mark) => mark.textContent),
    html: container.innerHTML,
    text: container.textContent,
  }
}

describe('search marks', () => {
  it('reads the words of a full-text query, without operators or excluded words', () => {
    expect(fullTextTerms('Quarterly "late report" inv* OR bob@example.com NOT spam')).toEqual([
      { word: 'quarterly', prefix: false },
      { word: 'late', prefix: false },
      { word: 'report', prefix: false },
      { word: 'inv', prefix: true },
      { word: 'bob', prefix: false },
      { word: 'example', prefix: false },
      { word: 'com', prefix: false },
    ])
    expect(fullTextTerms('NOT "two words" kept')).toEqual([{ word: 'kept', prefix: false }])
    expect(fullTextTerms('  ')).toEqual([])
  })

  it('marks whole words case-insensitively, and word starts for a prefix', () => {
    expect(marked('zebra', 'Zebra, zebras and a zebra-crossing').marks).toEqual(['Zebra', 'zebra'])
    expect(marked('zeb*', 'Zebra, zebras').marks).toEqual(['Zeb', 'zeb'])
    expect(marked('late report', 'the report came late').marks).toEqual(['report', 'late'])
  })

  it('keeps HTML in a line as text: no element is made from it', () => {
    const { marks, html, text } = marked(
      'script',
      '<script>alert(1)</script><img src=x onerror=alert(2)>',
    )
    expect(marks).toEqual(['script', 'script'])
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;<mark>script</mark>&gt;alert(1)')
    expect(text).toBe('<script>alert(1)</script><img src=x onerror=alert(2)>')
  })

  it('leaves text alone when nothing matches or there is no query', () => {
    expect(marked('', 'plain line').html).toBe('<p>plain line</p>')
    expect(marked('absent', 'plain line').marks).toEqual([])
  })
})
