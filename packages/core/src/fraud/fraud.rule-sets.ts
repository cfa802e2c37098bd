import type { RuleSetDefinition } from './fraud.types.js'

/**
 * The rule sets kept in the repository (`RULE_SETS`), newest last. A rule set is data: `kloset fraud rules
 * publish <version>` copies one into the database as the live set (or, with `--shadow`, as the
 * set that runs next to the live one and only reports). Never edit a published version: add
 * the next one.
 */
const BASELINE: RuleSetDefinition = {
  version: 1,
  name: 'baseline',
  thresholds: { review: 30, hold: 60, decline: 100 },
  rules: [
    {
      id: 'buyer_velocity_hour',
      reason: 'More than 3 checkouts by this buyer in an hour',
      points: 30,
      when: [{ input: 'buyerOrdersHour', op: '>', value: 3 }],
    },
    {
      id: 'ip_velocity_day',
      reason: 'More than 10 checkouts from this address today',
      points: 25,
      when: [{ input: 'ipOrdersDay', op: '>', value: 10 }],
    },
    {
      id: 'card_velocity_day',
      reason: "More than 5 payments with the buyer's card today",
      points: 25,
      when: [{ input: 'cardOrdersDay', op: '>', value: 5 }],
    },
    {
      id: 'failed_payments',
      reason: 'Three or more failed payments by this buyer today',
      points: 30,
      when: [{ input: 'buyerFailedPaymentsDay', op: '>=', value: 3 }],
    },
    {
      id: 'new_account_big_order',
      reason: 'An account under 2 days old places an order over 200,000 NGN',
      points: 35,
      when: [
        { input: 'accountAgeDays', op: '<', value: 2 },
        { input: 'orderValue', op: '>', value: 200_000 },
      ],
    },
    {
      id: 'shared_ip_with_seller',
      reason: 'Buyer and seller seen on the same address (self-purchase)',
      points: 40,
      when: [{ input: 'sharedIpWithSeller', op: '==', value: 1 }],
    },
    {
      id: 'shared_device_with_seller',
      reason: 'Buyer and seller seen on the same device (self-purchase)',
      points: 50,
      when: [{ input: 'sharedDeviceWithSeller', op: '==', value: 1 }],
    },
    {
      id: 'shared_payout_account',
      reason: "The buyer's store is paid into the seller's bank account (collusion)",
      points: 70,
      when: [{ input: 'sharedPayoutAccount', op: '==', value: 1 }],
    },
    {
      id: 'payout_account_many_stores',
      reason: 'A selling store shares its payout account with 3 or more stores',
      points: 30,
      when: [{ input: 'payoutAccountStores', op: '>=', value: 3 }],
    },
    {
      id: 'refund_abuser',
      reason: 'Half or more of the buyer’s orders were refunded (5+ orders)',
      points: 25,
      when: [
        { input: 'buyerRefundRate', op: '>=', value: 0.5 },
        { input: 'buyerPastOrders', op: '>=', value: 5 },
      ],
    },
    {
      id: 'dispute_rate',
      reason: 'A third or more of the buyer’s orders were disputed (3+ orders)',
      points: 30,
      when: [
        { input: 'buyerDisputeRate', op: '>=', value: 0.34 },
        { input: 'buyerPastOrders', op: '>=', value: 3 },
      ],
    },
    {
      id: 'new_store_high_value',
      reason: 'A store under 14 days old sells an item of 100,000 NGN or more',
      points: 20,
      when: [{ input: 'newStoreHighValue', op: '==', value: 1 }],
    },
    {
      id: 'price_far_from_median',
      reason: 'A price is over 3 times away from its category median',
      points: 20,
      when: [{ input: 'priceDeviation', op: '>', value: 3 }],
    },
    {
      id: 'chat_payment_diversion',
      reason: 'Chat flagged payment diversion with this buyer or store this week',
      points: 40,
      when: [{ input: 'chatFlags', op: '>=', value: 1 }],
    },
    {
      id: 'blocked_ip',
      reason: 'The address was blocked by an administrator',
      points: 100,
      when: [{ input: 'blockedIp', op: '==', value: 1 }],
    },
    {
      id: 'risk_score_high',
      reason: 'The learned risk score is 80 or more',
      points: 40,
      when: [{ input: 'riskScore', op: '>=', value: 80 }],
    },
    {
      id: 'risk_score_very_high',
      reason: 'The learned risk score is 95 or more',
      points: 30,
      when: [{ input: 'riskScore', op: '>=', value: 95 }],
    },
  ],
}

export const RULE_SETS: readonly RuleSetDefinition[] = [
  BASELINE,
  {
    version: 2,
    name: 'baseline-tight',
    // Version 1 with a lower review line and the account-age ratio: run it in shadow first.
    thresholds: { review: 25, hold: 60, decline: 100 },
    rules: [
      ...BASELINE.rules,
      {
        id: 'value_per_account_day',
        reason: 'Over 50,000 NGN per day of account age',
        points: 25,
        when: [{ input: 'valueToAccountAge', op: '>', value: 50_000 }],
      },
    ],
  },
]

/** The rule set of that version kept in the repository, if any. */
export function ruleSetDefinition(version: number): RuleSetDefinition | undefined {
  return RULE_SETS.find((set) => set.version === version)
}
