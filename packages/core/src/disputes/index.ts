/** What the rest of the code may use of disputes: the service, its schemas and types. */

export * from './dispute.schemas.js'
export { assertDisputeMove, disputeMoves, disputeTransitions } from './dispute.transitions.js'
export * from './dispute.types.js'
export {
  DISPUTE_CLOCKS,
  type DisputesDeps,
  DisputesService,
  MAX_DISPUTE_PHOTOS,
  type Settlement,
} from './disputes.service.js'
