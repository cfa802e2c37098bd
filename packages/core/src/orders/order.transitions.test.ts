import { describe, expect, it } from '@jest/globals'
import { assertOrderMove, nextMoves, orderMoves } from './order.transitions.js'
import { ORDER_STATUSES, type OrderActor, type OrderStatus } from './order.types.js'

const ACTORS: OrderActor[] = ['buyer', 'seller', 'admin', 'system']

const rows: [OrderStatus, OrderStatus, OrderActor[]][] = [
  ['pending', 'processing', ['system']],
  ['pending', 'cancelled', ['buyer', 'system']],
  ['processing', 'shipped', ['seller']],
  ['processing', 'cancelled', ['buyer', 'seller']],
  ['shipped', 'delivered', ['seller', 'buyer', 'system']],
  ['delivered', 'completed', ['system']],
  ['shipped', 'disputed', ['buyer']],
  ['delivered', 'disputed', ['buyer']],
  ['completed', 'disputed', ['buyer']],
  ['disputed', 'resolved', ['admin', 'system']],
]

describe('the order transition table', () => {
  it('holds exactly the moves of DESIGN.md section 5', () => {
    const table = ORDER_STATUSES.flatMap((from) =>
      Object.entries(orderMoves[from]).map(([to, who]) => [from, to, [...(who ?? [])].sort()]),
    )
    expect(table.sort()).toEqual(rows.map(([f, t, w]) => [f, t, [...w].sort()]).sort())
  })

  describe.each(rows)('%s -> %s', (from, to, allowed) => {
    it.each(allowed)('allows %s', (actor) => {
      expect(assertOrderMove(actor, from, to)).toBe(actor)
    })
    const refused = ACTORS.filter((a) => !allowed.includes(a))
    if (refused.length > 0) {
      it.each(refused)('refuses %s with transition_not_allowed', (actor) => {
        expect(() => assertOrderMove(actor, from, to)).toThrow(
          expect.objectContaining({ code: 'transition_not_allowed' }),
        )
      })
    }
  })

  it('refuses a move the table does not have, whoever asks', () => {
    for (const actor of ACTORS) {
      expect(() => assertOrderMove(actor, 'completed', 'cancelled')).toThrow(
        expect.objectContaining({ code: 'invalid_transition' }),
      )
    }
  })

  it('lists the moves open from a status with who may make them', () => {
    expect(nextMoves('shipped')).toEqual([
      { to: 'delivered', who: ['seller', 'buyer', 'system'] },
      { to: 'disputed', who: ['buyer'] },
    ])
  })
})
