import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'
import { PAYOUT_STATUSES } from './payout.model.js'
import { isValidPeriod } from './payout.period.js'

/** An ISO week, `2026-W48` (lower case accepted). */
export const payoutPeriod = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isValidPeriod, 'must be an ISO week such as 2026-W48')

/** `PUT /api/v1/seller/payout-account`: the password again, because this decides who is paid. */
export const setPayoutAccountBody = z.strictObject({
  bankCode: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z]{3,10}$/, 'must be a bank code from /seller/banks'),
  accountNumber: z
    .string()
    .trim()
    .regex(/^\d{10}$/, 'must be a 10-digit NUBAN account number'),
  password: z.string().min(1).max(256),
})
export type SetPayoutAccountBody = z.infer<typeof setPayoutAccountBody>

/** `kloset payouts run` and the `weekly-payouts` job. */
export const runPayoutsInput = z.strictObject({
  /** Default: the current week in Africa/Lagos. */
  period: payoutPeriod.optional(),
  dryRun: z.boolean().default(false),
})
export type RunPayoutsInput = z.input<typeof runPayoutsInput>

/** Administrators' list (`kloset payouts list`). */
export const listPayoutsQuery = pageQuery.extend({
  period: payoutPeriod.optional(),
  status: z.enum(PAYOUT_STATUSES).optional(),
  storeId: z
    .string()
    .regex(/^[0-9a-f]{24}$/, 'must be a store id')
    .optional(),
})
export type ListPayoutsQuery = z.input<typeof listPayoutsQuery>

/** A seller's own list (`GET /api/v1/seller/payouts`): no store filter, it is always theirs. */
export const sellerPayoutsQuery = pageQuery.extend({
  period: payoutPeriod.optional(),
  status: z.enum(PAYOUT_STATUSES).optional(),
})
export type SellerPayoutsQuery = z.input<typeof sellerPayoutsQuery>

/** `kloset payouts finalize <id> --otp`: the OTP Paystack sent the business owner. */
export const finalizePayoutInput = z.strictObject({
  otp: z
    .string()
    .trim()
    .regex(/^\d{4,8}$/, 'must be the 4-8 digit OTP from Paystack'),
})
export type FinalizePayoutInput = z.infer<typeof finalizePayoutInput>
