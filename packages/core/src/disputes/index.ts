/** What the rest of the code may use of disputes: the service, its schemas and types. */

export { DISPUTE_CLOCKS, MAX_DISPUTE_PHOTOS, type Settlement } from './dispute.rules.js'
export * from './dispute.schemas.js'
export { assertDisputeMove, disputeMoves, disputeTransitions } from './dispute.transitions.js'
export * from './dispute.types.js'
export { type DisputesDeps, DisputesService } from './disputes.service.js'
