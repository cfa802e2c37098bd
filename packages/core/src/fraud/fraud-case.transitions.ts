import type { TransitionTable } from '../shared/transitions.js'
import type { CaseStatus } from './fraud.types.js'

/**
 * A fraud case's lifecycle: an administrator clears it (not fraud: holds released) or confirms
 * it (fraud: refunds or cancellations, holds kept). The decision is the case's label.
 */
export const fraudCaseTransitions: TransitionTable<CaseStatus> = {
  open: ['cleared', 'confirmed'],
  cleared: [],
  confirmed: [],
}
