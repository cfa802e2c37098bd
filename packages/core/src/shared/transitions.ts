import { InvalidStateError } from './errors.js'

/**
 * A lifecycle as data: for each status, the statuses it may move to. Stores and orders each
 * keep one table in code, so the allowed moves can be read (and tested) in one place.
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
