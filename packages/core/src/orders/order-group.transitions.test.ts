import { describe, expect, it } from '@jest/globals'
import { describeTransitionTable } from '../test-support/transition-tables.js'
import { ORDER_GROUP_STATUSES } from './order.types.js'
import {
  awaitsPayment,
  isUnpaidGroup,
  orderGroupTransitions,
  UNPAID_GROUP_STATUSES,
} from './order-group.transitions.js'

describeTransitionTable('order group', orderGroupTransitions, [
  ['creating', 'awaiting_payment'],
  ['creating', 'cancelled'],
  ['awaiting_payment', 'paid'],
  ['awaiting_payment', 'cancelled'],
])

describe('the guards derived from the order group table', () => {
  it('counts creating and awaiting_payment groups as unpaid, and no other', () => {
    expect(UNPAID_GROUP_STATUSES).toEqual(['creating', 'awaiting_payment'])
    expect(ORDER_GROUP_STATUSES.filter(isUnpaidGroup)).toEqual(UNPAID_GROUP_STATUSES)
  })

  it('lets a payment pay only a group awaiting it', () => {
    expect(ORDER_GROUP_STATUSES.filter(awaitsPayment)).toEqual(['awaiting_payment'])
  })
})
