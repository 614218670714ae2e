import { describe, expect, it } from 'vitest'
import { parseCsv, previewCsv, splitAddresses, suggestMapping } from './csv'

describe('parseCsv', () => {
  it('numbers rows as a spreadsheet does and skips blank lines', () => {
    const parsed = parseCsv('\uFEFFemail,name\r\na@x.org,Ann\r\n\r\nb@x.org,Bob\r\n')
    expect(parsed.columns).toEqual(['email', 'name'])
    expect(parsed.rows.map((row) => [row.row, row.values.email, row.values.name])).toEqual([
      [2, 'a@x.org', 'Ann'],
      [4, 'b@x.org', 'Bob'],
    ])
  })

  it('keeps quoted cells with commas and line breaks, and flags rows with a wrong cell count', () => {
    const parsed = parseCsv('email;note\n"a@x.org";"one, two\nthree"\nc@x.org;ok\nb@x.org\n')
    expect(parsed.delimiter).toBe(';')
    expect(parsed.rows[0]?.values.note).toBe('one, two\nthree')
    expect(parsed.rows[1]?.problem).toBeUndefined()
    expect(parsed.rows[2]?.problem).toBe('has 1 cells where the header has 2')
  })

  it('names empty and repeated headers so every column can be mapped', () => {
    expect(parseCsv('email,,email\n1,2,3\n').columns).toEqual(['email', 'column 2', 'email (2)'])
  })

  it('refuses an empty file', () => {
    expect(() => parseCsv('\n\n')).toThrow('The CSV file is empty')
  })
})

describe('previewCsv and mapping helpers', () => {
  it('returns the first rows, the total and a suggested mapping', () => {
    const csv = [
      'Email,CC,first',
      ...Array.from({ length: 9 }, (_, i) => `u${i}@x.org,,N${i}`),
    ].join('\n')
    const preview = previewCsv(csv, 3)
    expect(preview.totalRows).toBe(9)
    expect(preview.rows).toHaveLength(3)
    expect(preview.rows[2]).toEqual({ Email: 'u2@x.org', CC: '', first: 'N2' })
    expect(preview.suggested).toEqual({ to: 'Email', cc: 'CC' })
  })

  it('guesses nothing from unrelated names', () => {
    expect(suggestMapping(['name', 'city'])).toEqual({})
  })

  it('splits a cell holding several addresses', () => {
    expect(splitAddresses(' a@x.org; b@x.org ,c@x.org ')).toEqual(['a@x.org', 'b@x.org', 'c@x.org'])
    expect(splitAddresses(undefined)).toEqual([])
  })
})
