import { sourcesOf, type TransitionTable } from '../shared/transitions.js'
import type { SubscriptionStatus } from './plan.types.js'

/**
 * The seller subscription lifecycle (docs/plans.md):
 * - `incomplete`: the seller chose a plan; the first charge (Paystack checkout) is not paid yet;
 * - `active`: paid; the plan's policy is applied to the store;
 * - `attention`: a renewal failed (`invoice.payment_failed`); the plan stays in force through a
 *   grace period with reminders, then the store falls back to the free tier;
 * - `non_renewing`: cancelled, or downgraded, at the end of the paid period; the plan stays in
 *   force until `currentPeriodEnd`;
 * - `expired`: back on the free tier, data kept (products over the limit hidden). Subscribing
 *   again starts a new `incomplete` on the same document.
 */
export const subscriptionTransitions: TransitionTable<SubscriptionStatus> = {
  incomplete: ['active', 'expired'],
  active: ['attention', 'non_renewing', 'expired'],
  attention: ['active', 'non_renewing', 'expired'],
  non_renewing: ['active', 'expired'],
  expired: ['incomplete'],
}

/** How long a store keeps its plan after a failed renewal (docs/plans.md). */
export const GRACE_DAYS = 14
/** Days after the failed renewal on which the seller is reminded (the first at once). */
export const REMINDER_DAYS: readonly number[] = [0, 3, 7, 12]

/** Statuses whose plan is in force (paid, or in its grace period). */
export const PLAN_IN_FORCE: readonly SubscriptionStatus[] = ['active', 'attention', 'non_renewing']
/** Statuses a seller may cancel from. */
export const CANCELLABLE: readonly SubscriptionStatus[] = sourcesOf(
  subscriptionTransitions,
  'non_renewing',
)
