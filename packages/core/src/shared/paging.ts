import { z } from 'zod'
import { op } from '../db/query.js'
import { ValidationError } from './errors.js'

/** A page of a list: `nextCursor` is absent on the last page. */
export interface Page<T> {
  items: T[]
  nextCursor?: string
}

export const MAX_PAGE_SIZE = 100

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  cursor: z.string().max(500).optional(),
})
export type PageQuery = z.infer<typeof pageQuery>

/** Cursors are opaque to clients: base64url JSON of the sort key of the last item seen. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

/** @throws ValidationError for a cursor we did not issue. */
export function decodeCursor<T extends z.ZodType>(cursor: string, shape: T): z.infer<T> {
  try {
    return shape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
  } catch {
    throw new ValidationError('Invalid cursor', { cursor: 'not a cursor from this API' })
  }
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says there is more. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (row: R) => Record<string, string | number>,
): Page<T> {
  const more = rows.length > limit
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return {
    items: items.map(map),
    ...(more && last ? { nextCursor: encodeCursor(cursorOf(last)) } : {}),
  }
}

const idCursor = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) })

/**
 * Most lists run newest first by `_id`: this is the filter for the page after `cursor` (nothing
 * on the first page). Pair it with `idCursorOf` when building the page.
 * @throws ValidationError for a cursor we did not issue.
 */
export function afterIdCursor(cursor: string | undefined): { _id?: unknown } {
  return cursor ? { _id: op({ $lt: decodeCursor(cursor, idCursor).id }) } : {}
}

/** The cursor position of a row in a newest-first-by-`_id` list. */
export const idCursorOf = (row: { _id: unknown }): { id: string } => ({ id: String(row._id) })
