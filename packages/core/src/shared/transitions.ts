import { InvalidStateError } from './errors.js'

/**
 * A lifecycle as data: for each status, the statuses it may move to. Stores, products, orders,
 * order groups, refunds, reservations and payouts each keep one table in code, so the allowed
 * moves can be read (and tested) in one place, and the status guards are derived from it.
 */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>

/** True when the table allows moving from `from` to `to`. */
export function canTransition<S extends string>(
  table: TransitionTable<S>,
  from: S,
  to: S,
): boolean {
  return table[from].includes(to)
}

/**
 * The statuses a move to `to` may start from, in the table's order: the status filter of that
 * move's compare-and-set.
 */
export function sourcesOf<S extends string>(table: TransitionTable<S>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to))
}

/**
 * Checks one move against a transition table.
 * @throws InvalidStateError `invalid_transition` (details: from, to) when the table refuses it.
 */
export function assertTransition<S extends string>(
  table: TransitionTable<S>,
  from: S,
  to: S,
  what = 'Record',
): void {
  if (!canTransition(table, from, to)) {
    throw new InvalidStateError(`${what} cannot go from ${from} to ${to}`, 'invalid_transition', {
      from,
      to,
    })
  }
}
