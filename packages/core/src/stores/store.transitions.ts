import type { TransitionTable } from '../shared/transitions.js'
import type { StoreStatus } from './store.types.js'

/**
 * The store lifecycle. Admins approve or reject a pending store; a seller's edit sends a
 * rejected store back to review; admins suspend and reinstate approved stores; closing is final.
 */
export const storeTransitions: TransitionTable<StoreStatus> = {
  pending: ['approved', 'rejected'],
  rejected: ['pending'],
  approved: ['suspended', 'closed'],
  suspended: ['approved', 'closed'],
  closed: [],
}
