import { invalid } from './paystack.errors.js'
import type { JsonObject } from './paystack.presenters.js'

function positiveInt(query: URLSearchParams, names: string[], fallback: number): number {
  for (const name of names) {
    const raw = query.get(name)
    if (raw === null || raw === '') continue
    const value = Number(raw)
    if (!Number.isInteger(value) || value < 1) throw invalid(`Invalid ${name}`)
    return value
  }
  return fallback
}

/** Paystack's offset paging: `perPage` (or `per_page`, default 50) and `page` (from 1). */
export function paginate<T>(
  items: readonly T[],
  query: URLSearchParams,
): { items: T[]; meta: JsonObject } {
  const perPage = positiveInt(query, ['perPage', 'per_page'], 50)
  const page = positiveInt(query, ['page'], 1)
  const skipped = (page - 1) * perPage
  return {
    items: items.slice(skipped, skipped + perPage),
    meta: {
      total: items.length,
      skipped,
      perPage,
      page,
      pageCount: Math.max(1, Math.ceil(items.length / perPage)),
    },
  }
}

function parseDate(raw: string, name: string, endOfDay: boolean): number {
  // A bare date in `to` means the whole of that day, which is what people filtering by day mean.
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw)
  const value = Date.parse(dateOnly ? `${raw}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : raw)
  if (Number.isNaN(value)) throw invalid(`Invalid ${name} date`)
  return value
}

/** Keeps the items created within `from`..`to` (both inclusive, both optional). */
export function withinDates<T>(
  items: readonly T[],
  query: URLSearchParams,
  createdAt: (item: T) => string,
): T[] {
  const from = query.get('from')
  const to = query.get('to')
  const start = from ? parseDate(from, 'from', false) : Number.NEGATIVE_INFINITY
  const end = to ? parseDate(to, 'to', true) : Number.POSITIVE_INFINITY
  return items.filter((item) => {
    const at = Date.parse(createdAt(item))
    return at >= start && at <= end
  })
}

/** Newest first, as Paystack lists. */
export function newestFirst<T extends { id: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.id - a.id)
}
