import type { Ctx } from '../shared/ctx.js'
import { ForbiddenError } from '../shared/errors.js'
import { assertTransition, type TransitionTable } from '../shared/transitions.js'
import type { OrderActor, OrderStatus } from './order.types.js'

/**
 * The store order lifecycle (DESIGN.md section 5), as data: for each status, where it may go and
 * who may move it there. Every status change in the code goes through `assertOrderMove`.
 */
export const orderMoves: Readonly<
  Record<OrderStatus, Readonly<Partial<Record<OrderStatus, readonly OrderActor[]>>>>
> = {
  pending: { processing: ['system'], cancelled: ['buyer', 'system'] },
  processing: { shipped: ['seller'], cancelled: ['buyer', 'seller'] },
  shipped: { delivered: ['seller', 'buyer', 'system'], disputed: ['buyer'] },
  delivered: { completed: ['system'], disputed: ['buyer'] },
  // A dispute case (disputes/) decides: an administrator, or the case's own step (system) when
  // the seller accepts or the buyer lets an answered case lapse.
  disputed: { resolved: ['admin', 'system'] },
  // Within the 14-day dispute window a completed order may still be disputed (its money was
  // released already; the dispute freezes it from payouts instead).
  completed: { disputed: ['buyer'] },
  cancelled: {},
  resolved: {},
}

/** The same table without the actors, in the shape `assertTransition` reads. */
export const orderTransitions: TransitionTable<OrderStatus> = Object.fromEntries(
  Object.entries(orderMoves).map(([from, to]) => [from, Object.keys(to)]),
) as unknown as TransitionTable<OrderStatus>

/** The actor of a job or an administrator; people's relation to an order is decided by orders. */
export function orderActorOf(ctx: Ctx): OrderActor | undefined {
  const { actor } = ctx
  if (actor.kind === 'system') return 'system'
  if (actor.kind === 'admin-cli') return 'admin'
  if (actor.kind === 'user' && actor.role === 'admin') return 'admin'
  return undefined
}

/**
 * Checks a move against the table: the status first, then the actor. The actor is the caller's
 * relation to the order (its buyer, its store's seller), not the role of their account: a
 * seller buying from another store is that order's buyer.
 * @throws InvalidStateError `invalid_transition`, ForbiddenError `transition_not_allowed`.
 */
export function assertOrderMove(
  actor: OrderActor | undefined,
  from: OrderStatus,
  to: OrderStatus,
): OrderActor {
  assertTransition(orderTransitions, from, to, 'Order')
  if (!actor || !(orderMoves[from][to] ?? []).includes(actor)) {
    throw new ForbiddenError(
      `${actor ?? 'anonymous'} cannot move an order from ${from} to ${to}`,
      'transition_not_allowed',
    )
  }
  return actor
}

/** The moves open from a status, with who may make each (`kloset orders explain`). */
export function nextMoves(from: OrderStatus): { to: OrderStatus; who: OrderActor[] }[] {
  return Object.entries(orderMoves[from]).map(([to, who]) => ({
    to: to as OrderStatus,
    who: [...(who ?? [])],
  }))
}
