import { ForbiddenError } from '../shared/errors.js'
import { assertTransition, type TransitionTable } from '../shared/transitions.js'
import type { DisputeActor, DisputeStatus } from './dispute.types.js'

/**
 * The dispute lifecycle (docs/trust-and-safety.md, "Disputes"), as data: for each status, where
 * it may go and who may move it there. The seller accepts (resolved) or answers; the buyer
 * escalates an answered case; a deadline job escalates a case the seller left unanswered and
 * closes for the seller an answered case the buyer did not escalate; an administrator may decide
 * any open case. A chargeback starts `escalated`.
 */
export const disputeMoves: Readonly<
  Record<DisputeStatus, Readonly<Partial<Record<DisputeStatus, readonly DisputeActor[]>>>>
> = {
  awaiting_seller: {
    seller_answered: ['seller'],
    escalated: ['system', 'admin'],
    resolved: ['seller', 'admin'],
  },
  seller_answered: {
    escalated: ['buyer', 'admin'],
    resolved: ['seller', 'admin', 'system'],
  },
  // system: Paystack's ruling on a chargeback ends its case.
  escalated: { resolved: ['admin', 'system'] },
  resolved: {},
}

/** The same table without the actors, in the shape `assertTransition` reads. */
export const disputeTransitions: TransitionTable<DisputeStatus> = Object.fromEntries(
  Object.entries(disputeMoves).map(([from, to]) => [from, Object.keys(to)]),
) as unknown as TransitionTable<DisputeStatus>

/**
 * Checks a move against the table: the status first, then the actor.
 * @throws InvalidStateError `invalid_transition`, ForbiddenError `transition_not_allowed`.
 */
export function assertDisputeMove(
  actor: DisputeActor,
  from: DisputeStatus,
  to: DisputeStatus,
): void {
  assertTransition(disputeTransitions, from, to, 'Dispute')
  if (!(disputeMoves[from][to] ?? []).includes(actor)) {
    throw new ForbiddenError(
      `${actor} cannot move a dispute from ${from} to ${to}`,
      'transition_not_allowed',
    )
  }
}
