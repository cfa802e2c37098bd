import { describeTransitionTable } from '../test-support/transition-tables.js'
import { reservationTransitions } from './reservation.transitions.js'

describeTransitionTable('reservation', reservationTransitions, [
  ['active', 'committed'],
  ['active', 'released'],
  ['active', 'expired'],
])
