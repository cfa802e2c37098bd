import type { TransitionTable } from '../shared/transitions.js'
import type { RefundStatus } from './order.types.js'

/**
 * The refund lifecycle (refunds.service.ts): a refund is asked of Paystack as `pending`, and
 * Paystack's answer makes it `processed` (the ledger books it) or `failed` (its amount becomes
 * refundable again). Both are final.
 */
export const refundTransitions: TransitionTable<RefundStatus> = {
  pending: ['processed', 'failed'],
  processed: [],
  failed: [],
}
