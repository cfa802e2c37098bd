import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'
import { DISPUTE_REASONS, DISPUTE_SOURCES, DISPUTE_STATUSES } from './dispute.types.js'

const text = (max: number) => z.string().trim().min(3).max(max)
/** A yes/no filter: `true`/`false` in a query string, a boolean from the CLI. */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])

/** The buyer opens a case on an order (`POST /api/v1/orders/:id/dispute`). */
export const openDisputeBody = z.strictObject({
  reason: z.enum(DISPUTE_REASONS),
  description: text(2000),
})
export type OpenDisputeBody = z.infer<typeof openDisputeBody>

/** A note added to a case's evidence, by its buyer, its seller or an administrator. */
export const disputeNoteBody = z.strictObject({ note: text(2000) })
export type DisputeNoteBody = z.infer<typeof disputeNoteBody>

/** The seller answers with their side (evidence photos are added separately). */
export const answerDisputeBody = z.strictObject({ message: text(2000) })
export type AnswerDisputeBody = z.infer<typeof answerDisputeBody>

/** The buyer escalates an answered case to an administrator. */
export const escalateDisputeBody = z.strictObject({ note: text(2000).optional() })
export type EscalateDisputeBody = z.infer<typeof escalateDisputeBody>

/** The seller accepts: refunds the whole order, or part of it (`amount` in minor units). */
export const acceptDisputeBody = z
  .strictObject({
    refund: z.enum(['full', 'partial']),
    amount: z.number().int().positive().optional(),
    message: text(2000).optional(),
  })
  .refine((b) => (b.refund === 'partial') === (b.amount !== undefined), {
    message: 'amount is required with a partial refund, and only then',
    path: ['amount'],
  })
export type AcceptDisputeBody = z.infer<typeof acceptDisputeBody>

/**
 * An administrator decides: `refund` full or partial (`amount` in minor units), or `release`
 * the money to the seller. `reason` goes to both parties and the audit log.
 */
export const resolveDisputeCaseBody = z
  .strictObject({
    decision: z.enum(['refund', 'release']),
    refund: z.enum(['full', 'partial']).optional(),
    amount: z.number().int().positive().optional(),
    reason: text(500),
  })
  .refine((b) => b.decision === 'release' || b.refund !== undefined, {
    message: 'refund (full or partial) is required with decision refund',
    path: ['refund'],
  })
  .refine((b) => (b.refund === 'partial') === (b.amount !== undefined), {
    message: 'amount is required with a partial refund, and only then',
    path: ['amount'],
  })
  .refine((b) => b.decision === 'refund' || b.refund === undefined, {
    message: 'refund is only for decision refund',
    path: ['refund'],
  })
export type ResolveDisputeCaseBody = z.infer<typeof resolveDisputeCaseBody>

export const listDisputesQuery = pageQuery.extend({
  status: z.enum(DISPUTE_STATUSES).optional(),
  source: z.enum(DISPUTE_SOURCES).optional(),
  /** Only escalated cases past their 48-hour decision deadline. */
  overdue: flag.optional(),
  store: z
    .string()
    .regex(/^[0-9a-f]{24}$/)
    .optional(),
})
export type ListDisputesQuery = z.infer<typeof listDisputesQuery>
