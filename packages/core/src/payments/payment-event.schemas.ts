import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'

/** Filters of the payment event log (administrators). */
export const listPaymentEventsQuery = z.strictObject({
  ...pageQuery.shape,
  reference: z.string().trim().min(1).max(100).optional(),
  event: z.string().trim().min(1).max(100).optional(),
})
export type ListPaymentEventsQuery = z.infer<typeof listPaymentEventsQuery>
/** What a caller may pass: `limit` may be left out (20). */
export type ListPaymentEventsQueryInput = z.input<typeof listPaymentEventsQuery>
