import { sourcesOf, type TransitionTable } from '../shared/transitions.js'
import type { PayoutStatus } from './payout.model.js'
import type { PayoutRunItem } from './payout.types.js'

/**
 * The payout lifecycle (the statuses are described in payout.model.ts). A run books a created
 * payout (`sending`) or cancels it when the balance shrank; Paystack's answers move a sent
 * payout to `pending`, `otp_required`, `paid` or `failed`; a paid transfer can still be
 * `reversed`; a retry starts a failed, cancelled or reversed payout again as `created` under a
 * new reference. Every status change in payouts goes through a compare-and-set derived from
 * this table (`movableTo`).
 */
export const payoutTransitions: TransitionTable<PayoutStatus> = {
  created: ['sending', 'cancelled'],
  sending: ['pending', 'otp_required', 'paid', 'failed', 'reversed'],
  pending: ['paid', 'failed', 'reversed'],
  otp_required: ['pending', 'paid', 'failed', 'reversed'],
  paid: ['reversed'],
  failed: ['created'],
  cancelled: ['created'],
  reversed: ['created'],
}

/**
 * Payouts a retry may send again: their money is (or, cancelled, always was) in available. The
 * same statuses are the payouts whose money did not go out, so coverage starts after the last
 * payout that is not one of them.
 */
export const RETRYABLE_STATUSES: readonly PayoutStatus[] = sourcesOf(payoutTransitions, 'created')
/** Statuses whose transfer exists at Paystack (or is being asked for) and has not resolved. */
export const IN_FLIGHT_STATUSES: readonly PayoutStatus[] = sourcesOf(payoutTransitions, 'failed')
/** Statuses a payout run picks up again after a crash or an unanswered call. */
export const UNFINISHED_STATUSES: readonly PayoutStatus[] = ['created', 'sending']
/** Accepted by Paystack, outcome not known yet: in flight, and no longer the run's to finish. */
export const AWAITING_PAYSTACK: readonly PayoutStatus[] = IN_FLIGHT_STATUSES.filter(
  (status) => !UNFINISHED_STATUSES.includes(status),
)

/** What a run reports for a payout in each status. */
export const runOutcomeOf: Readonly<Record<PayoutStatus, PayoutRunItem['outcome']>> = {
  created: 'unconfirmed',
  sending: 'unconfirmed',
  pending: 'sent',
  otp_required: 'otp_required',
  paid: 'paid',
  failed: 'failed',
  reversed: 'failed',
  cancelled: 'cancelled',
}
