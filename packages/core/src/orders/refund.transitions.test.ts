import { describeTransitionTable } from '../test-support/transition-tables.js'
import { refundTransitions } from './refund.transitions.js'

describeTransitionTable('refund', refundTransitions, [
  ['pending', 'processed'],
  ['pending', 'failed'],
])
