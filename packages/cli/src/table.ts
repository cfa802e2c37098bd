import type { TimelineEntryDTO } from '@kloset/core'
import chalk from 'chalk'
import Table from 'cli-table3'

/** Renders rows as a table for people (the `--json` output never goes through here). */
export function renderTable(head: string[], rows: (string | number | undefined)[][]): string {
  const table = new Table({ head: head.map((h) => chalk.bold(h)), style: { head: [], border: [] } })
  for (const row of rows) table.push(row.map((cell) => (cell === undefined ? '' : String(cell))))
  return table.toString()
}

/** Renders one record as a two-column table. */
export function renderRecord(
  record: Record<string, string | number | boolean | undefined>,
): string {
  const table = new Table({ style: { head: [], border: [] } })
  for (const [key, value] of Object.entries(record)) {
    table.push({ [chalk.bold(key)]: value === undefined ? '' : String(value) })
  }
  return table.toString()
}

/** Renders an order's timeline, oldest first: each move or note, who made it and why. */
export function renderTimeline(timeline: TimelineEntryDTO[]): string {
  return renderTable(
    ['at', 'move', 'by', 'reason'],
    timeline.map((t) => [
      t.at.slice(0, 19).replace('T', ' '),
      t.kind === 'note' ? `(${t.to})` : `${t.from ?? '·'} → ${t.to}`,
      t.actor,
      t.reason,
    ]),
  )
}

export const statusColour = (status: string): string =>
  ({
    active: chalk.green(status),
    approved: chalk.green(status),
    suspended: chalk.red(status),
    rejected: chalk.red(status),
    unverified: chalk.yellow(status),
    pending: chalk.yellow(status),
  })[status] ?? status
