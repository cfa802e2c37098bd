import { describe, expect, it } from '@jest/globals'
import { describeTransitionTable } from '../test-support/transition-tables.js'
import { assertDisputeMove, disputeMoves, disputeTransitions } from './dispute.transitions.js'
import type { DisputeActor, DisputeStatus } from './dispute.types.js'

const ACTORS: DisputeActor[] = ['buyer', 'seller', 'admin', 'system']
const rows: [DisputeStatus, DisputeStatus, DisputeActor[]][] = [
  ['awaiting_seller', 'seller_answered', ['seller']],
  ['awaiting_seller', 'escalated', ['system', 'admin']],
  ['awaiting_seller', 'resolved', ['seller', 'admin']],
  ['seller_answered', 'escalated', ['buyer', 'admin']],
  ['seller_answered', 'resolved', ['seller', 'admin', 'system']],
  ['escalated', 'resolved', ['admin', 'system']],
]

describeTransitionTable(
  'dispute',
  disputeTransitions,
  rows.map(([from, to]) => [from, to] as const),
)

describe('who may move a dispute', () => {
  it('holds exactly the listed actors', () => {
    for (const [from, to, who] of rows)
      expect([...(disputeMoves[from][to] ?? [])].sort()).toEqual([...who].sort())
  })

  describe.each(rows)('%s -> %s', (from, to, allowed) => {
    it.each(allowed)('allows %s', (actor) => {
      expect(() => assertDisputeMove(actor, from, to)).not.toThrow()
    })
    const refused = ACTORS.filter((a) => !allowed.includes(a))
    if (refused.length > 0) {
      it.each(refused)('refuses %s with transition_not_allowed', (actor) => {
        expect(() => assertDisputeMove(actor, from, to)).toThrow(
          expect.objectContaining({ code: 'transition_not_allowed' }),
        )
      })
    }
  })
})
