import { describe, expect, it } from '@jest/globals'
import { describeTransitionTable } from '../test-support/transition-tables.js'
import { SUBSCRIPTION_STATUSES } from './plan.types.js'
import { CANCELLABLE, PLAN_IN_FORCE, subscriptionTransitions } from './subscription.transitions.js'

describeTransitionTable('subscription', subscriptionTransitions, [
  ['incomplete', 'active'],
  ['incomplete', 'expired'],
  ['active', 'attention'],
  ['active', 'non_renewing'],
  ['active', 'expired'],
  ['attention', 'active'],
  ['attention', 'non_renewing'],
  ['attention', 'expired'],
  ['non_renewing', 'active'],
  ['non_renewing', 'expired'],
  ['expired', 'incomplete'],
])

describe('subscription status sets', () => {
  it('lets a seller cancel only a plan that is paid or in its grace period', () => {
    expect([...CANCELLABLE].sort()).toEqual(['active', 'attention'])
  })

  it('keeps the plan in force until the subscription expires', () => {
    expect(SUBSCRIPTION_STATUSES.filter((s) => !PLAN_IN_FORCE.includes(s))).toEqual([
      'incomplete',
      'expired',
    ])
  })
})
