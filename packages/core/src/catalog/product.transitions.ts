import type { TransitionTable } from '../shared/transitions.js'
import type { ProductStatus } from './product.types.js'

/**
 * The product lifecycle. A seller submits a draft; an administrator approves or rejects it; a
 * rejected product goes back to review when the seller resubmits it after editing; an approved
 * product can be archived, which is final. Edits to an approved product do not change its
 * status: they wait as a pending revision (products.service.ts).
 */
export const productTransitions: TransitionTable<ProductStatus> = {
  draft: ['pending_review'],
  pending_review: ['approved', 'rejected'],
  rejected: ['pending_review'],
  approved: ['archived'],
  archived: [],
}
