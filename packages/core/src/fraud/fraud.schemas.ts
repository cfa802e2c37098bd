import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'
import { CASE_STATUSES, FRAUD_OUTCOMES } from './fraud.types.js'

const reason = z.string().trim().min(3).max(500)
const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id')

export const listFraudCasesQuery = pageQuery.extend({
  status: z.enum(CASE_STATUSES).optional(),
  outcome: z.enum(FRAUD_OUTCOMES).optional(),
  buyerId: objectId.optional(),
})
export type ListFraudCasesQuery = z.infer<typeof listFraudCasesQuery>

export const listFraudDecisionsQuery = pageQuery.extend({
  outcome: z.enum(FRAUD_OUTCOMES).optional(),
  buyerId: objectId.optional(),
})
export type ListFraudDecisionsQuery = z.infer<typeof listFraudDecisionsQuery>

export const clearFraudCaseBody = z.strictObject({ reason })
export type ClearFraudCaseBody = z.infer<typeof clearFraudCaseBody>

export const confirmFraudCaseBody = z.strictObject({
  reason,
  /** Refund the paid orders in full (unpaid ones are cancelled either way). */
  refund: z.boolean().default(false),
  /** Suspend the buyer's account. */
  suspend: z.boolean().default(false),
  /** Block the address the checkout came from (a decline signal) for a year. */
  blockIp: z.boolean().default(false),
})
export type ConfirmFraudCaseBody = z.input<typeof confirmFraudCaseBody>

export const publishRuleSetBody = z.strictObject({
  version: z.number().int().min(1),
  shadow: z.boolean().default(false),
})
export type PublishRuleSetBody = z.input<typeof publishRuleSetBody>

/** `rules test`: run a repository rule set over recent decisions' inputs, changing nothing. */
export const testRuleSetBody = z.strictObject({
  version: z.number().int().min(1),
  /** How many of the latest decisions to replay (default 200). */
  limit: z.number().int().min(1).max(1000).default(200),
})
export type TestRuleSetBody = z.input<typeof testRuleSetBody>

export const snoozeRuleBody = z.strictObject({
  buyerId: objectId,
  ruleId: z.string().trim().min(1).max(100),
  until: z.coerce.date(),
  reason,
})
export type SnoozeRuleBody = z.input<typeof snoozeRuleBody>

export const trainRiskModelBody = z.strictObject({
  /** Seed of the synthetic traffic (cold start); the same seed trains the same model. */
  seed: z.number().int().min(0).default(7),
  /** Days of synthetic traffic; the last `holdoutDays` are kept out of training. */
  days: z.number().int().min(10).max(365).default(60),
  holdoutDays: z.number().int().min(1).max(60).default(14),
  /** Checkouts an administrator team reviews per day (the top-k of each day). */
  dailyBudget: z.number().int().min(1).max(10_000).default(12),
  epochs: z.number().int().min(1).max(5000).default(100),
})
export type TrainRiskModelBody = z.input<typeof trainRiskModelBody>

export const evaluateRiskModelBody = trainRiskModelBody
  .pick({ seed: true, days: true, holdoutDays: true, dailyBudget: true })
  .extend({ version: z.number().int().min(1).optional() })
  .strict()
export type EvaluateRiskModelBody = z.input<typeof evaluateRiskModelBody>

export const promoteRiskModelBody = evaluateRiskModelBody
  .extend({ version: z.number().int().min(1) })
  .strict()
export type PromoteRiskModelBody = z.input<typeof promoteRiskModelBody>
