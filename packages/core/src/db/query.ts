import mongoose from 'mongoose'
import { sourcesOf, type TransitionTable } from '../shared/transitions.js'

/**
 * Marks a query operator object as ours. The connection runs with `sanitizeFilter`, which turns
 * any `$`-object in a filter into a literal so that user input can never smuggle an operator in;
 * the operators our services write on purpose are wrapped with `op(...)`.
 */
export function op<T extends Record<string, unknown>>(selector: T): T {
  return mongoose.trusted(selector) as T
}

/**
 * The status filter of a compare-and-set move to `to`: the one status the table lets it start
 * from, or `$in` the several.
 */
export function movableTo<S extends string>(table: TransitionTable<S>, to: S): S | { $in: S[] } {
  const from = sourcesOf(table, to)
  return from.length === 1 ? (from[0] as S) : op({ $in: from })
}
