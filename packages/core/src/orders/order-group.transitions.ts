import { canTransition, sourcesOf, type TransitionTable } from '../shared/transitions.js'
import type { OrderGroupStatus } from './order.types.js'

/**
 * The order group lifecycle (checkout.service.ts): a checkout writes the group `creating`, and
 * its Paystack link makes it `awaiting_payment`; a verified payment makes it `paid`; the buyer,
 * the expiry job or a failed checkout cancels it while unpaid. Paid and cancelled are final.
 */
export const orderGroupTransitions: TransitionTable<OrderGroupStatus> = {
  creating: ['awaiting_payment', 'cancelled'],
  awaiting_payment: ['paid', 'cancelled'],
  paid: [],
  cancelled: [],
}

/** A group that may still be cancelled: nothing was paid for it. */
export type UnpaidGroupStatus = 'creating' | 'awaiting_payment'

/** The statuses of unpaid groups (the expiry job's filter). */
export const UNPAID_GROUP_STATUSES = sourcesOf(
  orderGroupTransitions,
  'cancelled',
) as readonly UnpaidGroupStatus[]

/** True when the group may still be cancelled. */
export function isUnpaidGroup(status: OrderGroupStatus): status is UnpaidGroupStatus {
  return canTransition(orderGroupTransitions, status, 'cancelled')
}

/** True when a verified payment may still pay the group (its Paystack link is out). */
export function awaitsPayment(status: OrderGroupStatus): boolean {
  return canTransition(orderGroupTransitions, status, 'paid')
}
