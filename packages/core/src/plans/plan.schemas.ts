import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'
import { FREE_PLAN_CODE, PLAN_INTERVALS, SUBSCRIPTION_STATUSES } from './plan.types.js'

/** Paystack's smallest plan amount: NGN 100 (docs/plans.md). */
export const MIN_PLAN_AMOUNT_KOBO = 10_000

const planCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z][a-z0-9-]{1,30}$/,
    'must be 2 to 31 characters of a-z, 0-9 and -, starting with a letter',
  )

const policyFields = {
  /** Basis points: 500 = 5%. */
  commissionRateBps: z.number().int().min(0).max(5000),
  /** Null: unlimited. */
  productLimit: z.number().int().min(0).max(1_000_000).nullable(),
  featured: z.boolean(),
  /** Null: the marketplace's PAYOUT_MINIMUM_KOBO. */
  payoutMinimumKobo: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
}

/** `kloset plans create` / `POST /api/v1/admin/plans`: a paid tier, billed by a new Paystack plan. */
export const createPlanBody = z.strictObject({
  code: planCode.refine(
    (code) => code !== FREE_PLAN_CODE,
    'is the free tier, which exists already',
  ),
  name: z.string().trim().min(1).max(80),
  description: z.string().trim().max(500).default(''),
  amount: z
    .number()
    .int()
    .min(MIN_PLAN_AMOUNT_KOBO, 'must be at least 10000 kobo (NGN 100, Paystack’s minimum)')
    .max(Number.MAX_SAFE_INTEGER),
  interval: z.enum(PLAN_INTERVALS).default('monthly'),
  ...policyFields,
  featured: policyFields.featured.default(false),
  payoutMinimumKobo: policyFields.payoutMinimumKobo.default(null),
})
export type CreatePlanBody = z.input<typeof createPlanBody>

/**
 * `kloset plans update` / `PATCH /api/v1/admin/plans/:code`: the policy and the wording. The
 * price and interval belong to the Paystack plan and do not change: create a new plan instead.
 */
export const updatePlanBody = z
  .strictObject({
    name: z.string().trim().min(1).max(80).optional(),
    description: z.string().trim().max(500).optional(),
    commissionRateBps: policyFields.commissionRateBps.optional(),
    productLimit: policyFields.productLimit.optional(),
    featured: policyFields.featured.optional(),
    payoutMinimumKobo: policyFields.payoutMinimumKobo.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'must change at least one field' })
export type UpdatePlanBody = z.input<typeof updatePlanBody>

/** `POST /api/v1/seller/subscription` and `.../change`: the plan wanted. */
export const choosePlanBody = z.strictObject({ planCode })
export type ChoosePlanBody = z.infer<typeof choosePlanBody>

/** `kloset subscriptions list` / `GET /api/v1/admin/subscriptions`. */
export const listSubscriptionsQuery = pageQuery.extend({
  status: z.enum(SUBSCRIPTION_STATUSES).optional(),
  planCode: planCode.optional(),
})
export type ListSubscriptionsQuery = z.input<typeof listSubscriptionsQuery>

/** `GET /api/v1/seller/subscription/invoices`. */
export const listInvoicesQuery = pageQuery
export type ListInvoicesQuery = z.input<typeof listInvoicesQuery>

/** `kloset plans list` / `GET /api/v1/admin/plans`: archived plans only when asked. */
export const listPlansQuery = z.strictObject({
  archived: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])
    .default(false),
})
export type ListPlansQuery = z.input<typeof listPlansQuery>
