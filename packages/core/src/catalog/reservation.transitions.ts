import type { TransitionTable } from '../shared/transitions.js'
import type { ReservationStatus } from './product.types.js'

/**
 * The stock reservation lifecycle (inventory.service.ts): an `active` reservation holds stock;
 * a verified payment commits it (the stock is sold), a cancelled checkout releases it and the
 * sweep expires it (the stock goes back). Every end is final.
 */
export const reservationTransitions: TransitionTable<ReservationStatus> = {
  active: ['committed', 'released', 'expired'],
  committed: [],
  released: [],
  expired: [],
}
