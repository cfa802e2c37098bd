import { describe, expect, it } from '@jest/globals'
import { assertTransition, type TransitionTable } from '../shared/transitions.js'

/**
 * The tests every transition table gets: it holds exactly `moves`, each of them is allowed, and
 * every other pair of statuses is refused with `invalid_transition`.
 */
export function describeTransitionTable<S extends string>(
  name: string,
  table: TransitionTable<S>,
  moves: readonly (readonly [S, S])[],
): void {
  const statuses = Object.keys(table) as S[]
  const allowed = new Set(moves.map(([from, to]) => `${from}>${to}`))
  const refused = statuses.flatMap((from) =>
    statuses.filter((to) => !allowed.has(`${from}>${to}`)).map((to) => [from, to] as const),
  )

  describe(`the ${name} transition table`, () => {
    it('holds exactly the listed moves', () => {
      const table_ = statuses.flatMap((from) => table[from].map((to) => `${from}>${to}`))
      expect(table_.sort()).toEqual([...allowed].sort())
    })

    it.each(moves.map(([from, to]) => [from, to]))('allows %s -> %s', (from, to) => {
      expect(() => assertTransition(table, from as S, to as S, name)).not.toThrow()
    })

    it.each(refused.map(([from, to]) => [from, to]))('refuses %s -> %s', (from, to) => {
      expect(() => assertTransition(table, from as S, to as S, name)).toThrow(
        expect.objectContaining({ code: 'invalid_transition', details: { from, to } }),
      )
    })
  })
}
