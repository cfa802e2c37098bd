import { type Core, type Ctx, ValidationError } from '@kloset/core'
import { Flags } from '@oclif/core'
import { renderTable } from './table.js'

/**
 * How list and report commands print rows for people: a compact table, or CSV for a spreadsheet,
 * with the columns and order the operator asks for. `--json` output never goes through here.
 */
export interface Column<T> {
  name: string
  /** The plain value: what `--sort` compares and `--csv` prints (money in major units, e.g. 12500.00). */
  value(row: T): string | number | undefined
  /** What the table shows, when it differs from the value (money for people, colours). */
  show?(row: T): string
}

/** `--columns`, `--sort` and `--csv` of every list and report. */
export const listOutputFlags = {
  columns: Flags.string({
    summary: 'Comma-separated columns to print, in this order',
    helpValue: 'name,name',
  }),
  sort: Flags.string({
    summary: 'Sort the rows of this page by a column; a leading - sorts descending',
    helpValue: '[-]column',
  }),
  csv: Flags.boolean({
    summary: 'Print CSV (a header line, then one line per row) instead of a table',
    exclusive: ['json'],
  }),
}

export interface ListOutputOptions {
  columns?: string | undefined
  sort?: string | undefined
  csv?: boolean | undefined
}

/** @throws ValidationError `unknown_column` (exit 3) naming the columns there are. */
function pick<T>(columns: Column<T>[], names: string[], flag: string): Column<T>[] {
  return names.map((name) => {
    const column = columns.find((c) => c.name === name)
    if (!column) {
      throw new ValidationError(
        `Unknown column "${name}"`,
        { [flag]: `choose from ${columns.map((c) => c.name).join(', ')}` },
        'unknown_column',
      )
    }
    return column
  })
}

const compare = (a: string | number | undefined, b: string | number | undefined): number => {
  if (a === b) return 0
  if (a === undefined || a === '') return 1
  if (b === undefined || b === '') return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a).localeCompare(String(b), 'en', { numeric: true })
}

const csvCell = (value: string | number | undefined): string => {
  const text = value === undefined ? '' : String(value)
  // Formula-looking cells are prefixed so a spreadsheet shows them instead of running them.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value !== 'number' ? `'${text}` : text
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** Rows as a table or CSV, with `--columns` and `--sort` applied. */
export function renderList<T>(rows: T[], columns: Column<T>[], options: ListOutputOptions): string {
  const shown = options.columns
    ? pick(
        columns,
        options.columns
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
        'columns',
      )
    : columns
  let ordered = rows
  if (options.sort) {
    const descending = options.sort.startsWith('-')
    const [by] = pick(columns, [options.sort.replace(/^-/, '')], 'sort')
    ordered = [...rows].sort((a, b) => compare(by!.value(a), by!.value(b)) * (descending ? -1 : 1))
  }
  if (options.csv) {
    const lines = [shown.map((c) => csvCell(c.name)).join(',')]
    for (const row of ordered) lines.push(shown.map((c) => csvCell(c.value(row))).join(','))
    return lines.join('\n')
  }
  return renderTable(
    shown.map((c) => c.name),
    ordered.map((row) => shown.map((c) => (c.show ? c.show(row) : c.value(row)))),
  )
}

/** Money in major units for CSV and sorting: 1250000 kobo is 12500.00. */
export const majorUnits = (minor: number): string => (minor / 100).toFixed(2)

/** Store slugs by id, for tables that would otherwise show bare ids. */
export async function storeSlugs(core: Core, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)]
  const stores = unique.length ? await core.stores.getStores(unique) : []
  return new Map(stores.map((s) => [s.id, s.slug]))
}

/** Email addresses by user id (an id that is gone stays an id). */
export async function userEmails(
  core: Core,
  ctx: Ctx,
  ids: string[],
): Promise<Map<string, string>> {
  const emails = new Map<string, string>()
  for (const id of new Set(ids)) {
    const user = await core.users.get(ctx, id).catch(() => undefined)
    if (user) emails.set(id, user.email)
  }
  return emails
}
