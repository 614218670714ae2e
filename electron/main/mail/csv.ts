import Papa from 'papaparse'
import { MaildockError, type CsvMapping, type CsvPreview } from '../../../shared/contract'

export interface CsvRow {
  /** As a spreadsheet numbers it: the header is row 1. */
  row: number
  values: Record<string, string>
  /** Set when the row does not have as many cells as the header. */
  problem?: string
}

export interface ParsedCsv {
  columns: string[]
  rows: CsvRow[]
  delimiter: string
  problems: { row: number; message: string }[]
}

/** Parses CSV text whose first row names the columns; blank lines are skipped. */
export function parseCsv(text: string): ParsedCsv {
  const clean = text.replace(/^\uFEFF/, '')
  const result = Papa.parse<string[]>(clean, {
    header: false,
    skipEmptyLines: false,
    delimiter: guessDelimiter(clean),
  })
  const data = result.data
  const headerIndex = data.findIndex((cells) => !isBlank(cells))
  if (headerIndex === -1) throw new MaildockError('INVALID_INPUT', 'The CSV file is empty')
  const columns = uniqueNames(data[headerIndex] ?? [])
  const problems = result.errors
    .filter((error) => error.code !== 'UndetectableDelimiter')
    .map((error) => ({ row: (error.row ?? 0) + 1, message: error.message }))
  const rows: CsvRow[] = []
  for (let index = headerIndex + 1; index < data.length; index += 1) {
    const cells = data[index] ?? []
    if (isBlank(cells)) continue
    const values: Record<string, string> = {}
    columns.forEach((column, position) => {
      values[column] = (cells[position] ?? '').trim()
    })
    const row: CsvRow = { row: index + 1, values }
    if (cells.length !== columns.length) {
      row.problem = `has ${cells.length} cells where the header has ${columns.length}`
    }
    rows.push(row)
  }
  return { columns, rows, delimiter: result.meta.delimiter, problems }
}

export function previewCsv(text: string, count: number): CsvPreview {
  const parsed = parseCsv(text)
  return {
    columns: parsed.columns,
    rows: parsed.rows.slice(0, count).map((row) => row.values),
    totalRows: parsed.rows.length,
    delimiter: parsed.delimiter,
    problems: [
      ...parsed.problems,
      ...parsed.rows.flatMap((row) =>
        row.problem === undefined ? [] : [{ row: row.row, message: row.problem }],
      ),
    ].slice(0, 100),
    suggested: suggestMapping(parsed.columns),
  }
}

const GUESSES: Record<keyof CsvMapping, RegExp> = {
  to: /^(to|e-?mail|email ?address|address|recipient|mail)$/i,
  cc: /^cc$/i,
  bcc: /^bcc$/i,
}

/** Maps columns whose names say what they hold: "email", "to", "cc", "bcc". */
export function suggestMapping(columns: string[]): Partial<CsvMapping> {
  const mapping: Partial<CsvMapping> = {}
  for (const field of Object.keys(GUESSES) as (keyof CsvMapping)[]) {
    const found = columns.find((column) => GUESSES[field].test(column.trim()))
    if (found !== undefined) mapping[field] = found
  }
  return mapping
}

/** One cell holding one or more addresses separated by commas, semicolons or spaces. */
export function splitAddresses(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(/[,;\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

const DELIMITERS = [',', ';', '\t', '|']

/** The delimiter the header line uses most (a header rarely quotes a delimiter); default ",". */
export function guessDelimiter(text: string): string {
  const header = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? ''
  const counts = DELIMITERS.map((delimiter) => header.split(delimiter).length - 1)
  const best = Math.max(...counts)
  return best === 0 ? ',' : (DELIMITERS[counts.indexOf(best)] ?? ',')
}

function isBlank(cells: string[]): boolean {
  return cells.every((cell) => cell.trim() === '')
}

function uniqueNames(header: string[]): string[] {
  const seen = new Map<string, number>()
  return header.map((raw, index) => {
    const name = raw.trim() === '' ? `column ${index + 1}` : raw.trim()
    const count = (seen.get(name) ?? 0) + 1
    seen.set(name, count)
    return count === 1 ? name : `${name} (${count})`
  })
}
