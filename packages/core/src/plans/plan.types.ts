import type { Currency } from '../shared/money.js'

/** Paystack's billing intervals (what `POST /plan` accepts). */
export const PLAN_INTERVALS = [
  'hourly',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'biannually',
  'annually',
] as const
export type PlanInterval = (typeof PLAN_INTERVALS)[number]

export const PLAN_STATUSES = ['active', 'archived'] as const
export type PlanStatus = (typeof PLAN_STATUSES)[number]

/** The code of the tier every store is on unless it pays for another. */
export const FREE_PLAN_CODE = 'free'

/**
 * What a tier buys: the policy the rest of the marketplace reads from the store it is applied
 * to (docs/plans.md). `productLimit` and `payoutMinimumKobo` are null for "no limit of the plan's
 * own": unlimited products, and the marketplace's `PAYOUT_MINIMUM_KOBO`.
 */
export interface PlanPolicy {
  /** The plan whose policy this is. */
  code: string
  /** Platform commission in basis points, frozen on each order when it is placed. */
  commissionRateBps: number
  /** How many products may be live (approved and not hidden) or in review; null: unlimited. */
  productLimit: number | null
  /** The store's products are listed in the catalog's featured shelf (`featured=true`). */
  featured: boolean
  /** The least a payout sends; null: the marketplace's PAYOUT_MINIMUM_KOBO. */
  payoutMinimumKobo: number | null
}

/** The free tier until an administrator changes it (`kloset plans update free`). */
export const FREE_PLAN_DEFAULTS: PlanPolicy = {
  code: FREE_PLAN_CODE,
  commissionRateBps: 500,
  productLimit: 50,
  featured: false,
  payoutMinimumKobo: null,
}

/** A tier as administrators and sellers see it. */
export interface PlanDTO extends PlanPolicy {
  name: string
  description: string
  /** Price per interval in minor units; 0 for the free tier. */
  amount: number
  currency: Currency
  interval: PlanInterval | null
  /** The Paystack plan (`PLN_...`) that bills it; null for the free tier. */
  paystackPlanCode: string | null
  status: PlanStatus
  createdAt: string
  updatedAt: string
}

/** The subscription lifecycle (subscription.transitions.ts holds the table). */
export const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'active',
  'attention',
  'non_renewing',
  'expired',
] as const
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number]

/** One line of a subscription's history: a status move, or a change of plan. */
export interface SubscriptionHistoryEntry {
  from: SubscriptionStatus | null
  to: SubscriptionStatus
  planCode: string
  reason: string
  by: string
  at: string
}

/** A store's paid tier: one per store, reused when the seller subscribes again. */
export interface SubscriptionDTO {
  id: string
  storeId: string
  /** The plan paid for (the free tier once expired). */
  planCode: string
  status: SubscriptionStatus
  /** A plan that replaces the current one at the end of the paid period (a downgrade). */
  pendingPlanCode: string | null
  /** The checkout to pay while `incomplete`. */
  authorizationUrl: string | null
  customerEmail: string
  paystackSubscriptionCode: string | null
  currentPeriodEnd: string | null
  /** While `attention`: when the store falls back to the free tier unless a payment lands. */
  graceUntil: string | null
  remindersSent: number
  history: SubscriptionHistoryEntry[]
  createdAt: string
  updatedAt: string
}

export const INVOICE_STATUSES = ['pending', 'paid', 'failed'] as const
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number]

/** One billing of a subscription: the first checkout, or a renewal by Paystack. */
export interface InvoiceDTO {
  id: string
  storeId: string
  /** `INV_...` for a renewal; the transaction reference for the first charge. */
  code: string
  planCode: string
  amount: number
  currency: Currency
  status: InvoiceStatus
  periodStart: string | null
  periodEnd: string | null
  paidAt: string | null
  transactionReference: string | null
  createdAt: string
}

/** What a seller reads about their tier: the subscription (if any) and the policy in force. */
export interface SellerPlanView {
  policy: PlanPolicy
  subscription: SubscriptionDTO | null
}
