import { z } from 'zod'

/** Paystack's dispute statuses. */
export const PAYSTACK_DISPUTE_STATUSES = [
  'awaiting-merchant-feedback',
  'awaiting-bank-feedback',
  'pending',
  'resolved',
] as const

/** `data` of `GET /dispute/:id` (and of the `charge.dispute.*` webhooks): what we read of it. */
export const paystackDisputeSchema = z.object({
  id: z.number().int(),
  refund_amount: z.coerce.number().int().nonnegative(),
  currency: z.string(),
  status: z.string(),
  resolution: z.string().nullish(),
  transaction: z.object({ id: z.number().int(), reference: z.string() }).passthrough(),
  category: z.string().nullish(),
  dueAt: z.string().nullish(),
  resolvedAt: z.string().nullish(),
  /** The merchant's message with its answer (`PUT /dispute/:id/resolve`). */
  message: z.string().nullish(),
})
export type PaystackDispute = z.infer<typeof paystackDisputeSchema>

/** `POST /dispute/:id/evidence`. */
export interface DisputeEvidenceInput {
  customerEmail: string
  customerName: string
  customerPhone: string
  serviceDetails: string
  deliveryAddress?: string
  deliveryDate?: string
}

/** `PUT /dispute/:id/resolve`: accept (refund `refundAmount`) or decline with evidence. */
export interface ResolvePaystackDisputeInput {
  resolution: 'merchant-accepted' | 'declined'
  message: string
  refundAmount: number
  uploadedFilename: string
  evidenceId?: number
}

export const disputeEvidenceSchema = z.object({ id: z.number().int() }).passthrough()
