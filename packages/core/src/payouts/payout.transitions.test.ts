import { describe, expect, it } from '@jest/globals'
import { sourcesOf } from '../shared/transitions.js'
import { describeTransitionTable } from '../test-support/transition-tables.js'
import { PAYOUT_STATUSES } from './payout.model.js'
import {
  AWAITING_PAYSTACK,
  IN_FLIGHT_STATUSES,
  payoutTransitions,
  RETRYABLE_STATUSES,
  runOutcomeOf,
} from './payout.transitions.js'

describeTransitionTable('payout', payoutTransitions, [
  ['created', 'sending'],
  ['created', 'cancelled'],
  ['sending', 'pending'],
  ['sending', 'otp_required'],
  ['sending', 'paid'],
  ['sending', 'failed'],
  ['sending', 'reversed'],
  ['pending', 'paid'],
  ['pending', 'failed'],
  ['pending', 'reversed'],
  ['otp_required', 'pending'],
  ['otp_required', 'paid'],
  ['otp_required', 'failed'],
  ['otp_required', 'reversed'],
  ['paid', 'reversed'],
  ['failed', 'created'],
  ['cancelled', 'created'],
  ['reversed', 'created'],
])

describe('the guards derived from the payout table', () => {
  it('covers every payout status', () => {
    expect(Object.keys(payoutTransitions).sort()).toEqual([...PAYOUT_STATUSES].sort())
  })

  it('retries only failed, cancelled and reversed payouts', () => {
    expect([...RETRYABLE_STATUSES].sort()).toEqual(['cancelled', 'failed', 'reversed'])
  })

  it('settles or fails only payouts in flight', () => {
    expect(IN_FLIGHT_STATUSES).toEqual(['sending', 'pending', 'otp_required'])
    expect(sourcesOf(payoutTransitions, 'paid')).toEqual(IN_FLIGHT_STATUSES)
  })

  it('reverses a paid payout as well as one in flight', () => {
    expect(sourcesOf(payoutTransitions, 'reversed')).toEqual([
      'sending',
      'pending',
      'otp_required',
      'paid',
    ])
  })

  it('asks Paystack again only about accepted transfers', () => {
    expect(AWAITING_PAYSTACK).toEqual(['pending', 'otp_required'])
  })

  it('reports a reversed payout as failed and an unsent one as unconfirmed', () => {
    expect(runOutcomeOf.reversed).toBe('failed')
    expect(runOutcomeOf.sending).toBe('unconfirmed')
    expect(runOutcomeOf.pending).toBe('sent')
  })
})
