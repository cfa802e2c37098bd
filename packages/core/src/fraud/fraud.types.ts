/**
 * What a fraud decision reads: one number per signal, computed when the checkout asks
 * (fraud.signals.ts). Yes/no signals are 0 or 1. Rules (fraud.rules.ts) and the risk model
 * (risk-model.ts) read the same names.
 */
export const SIGNAL_NAMES = [
  /** Checkouts by this buyer in the current hour / day (this one included). */
  'buyerOrdersHour',
  'buyerOrdersDay',
  /** Checkouts from this client address in the current hour / day (this one included). */
  'ipOrdersHour',
  'ipOrdersDay',
  /** Payments with the card this buyer last paid with, this day (its Paystack signature). */
  'cardOrdersDay',
  /** Failed or mismatched payments by this buyer / from this address / with this card, today. */
  'buyerFailedPaymentsDay',
  'ipFailedPaymentsDay',
  'cardFailedPaymentsDay',
  /** Days since the buyer signed up. */
  'accountAgeDays',
  /** The checkout's total in naira (not kobo: the model's scale). */
  'orderValue',
  /** Order value (naira) per day of account age (age floored at one day). */
  'valueToAccountAge',
  /** 1 when the buyer and a seller of the checkout were seen on the same address / device. */
  'sharedIpWithSeller',
  'sharedDeviceWithSeller',
  /** 1 when the buyer's own store is paid into the same bank account as a selling store. */
  'sharedPayoutAccount',
  /** The most stores that share one payout account, over the checkout's stores. */
  'payoutAccountStores',
  /** The buyer's paid orders so far (90-day window), and refunds and disputes per paid order. */
  'buyerPastOrders',
  'buyerRefundRate',
  'buyerDisputeRate',
  /** Days since the youngest selling store was registered. */
  'storeAgeDays',
  /** 1 when a store younger than 14 days sells an item of 100,000 NGN or more in the checkout. */
  'newStoreHighValue',
  /** The largest |price / category median - 1| over the lines (0 without a median yet). */
  'priceDeviation',
  /** Chat messages flagged for payment diversion in the last 7 days, buyer's or a store's. */
  'chatFlags',
  /** 1 when an administrator blocked the client address (confirm --block-ip). */
  'blockedIp',
] as const
export type SignalName = (typeof SIGNAL_NAMES)[number]
export type Signals = Record<SignalName, number>

/** What rules may read: the signals plus the learned risk score (0-99). */
export type RuleInputs = Signals & { riskScore: number }
export const RULE_INPUT_NAMES = [...SIGNAL_NAMES, 'riskScore'] as const
export type RuleInputName = (typeof RULE_INPUT_NAMES)[number]

/** What a decision does, mildest first (fraud.outcomes in docs/trust-and-safety.md). */
export const FRAUD_OUTCOMES = ['allow', 'review', 'hold', 'decline'] as const
export type FraudOutcome = (typeof FRAUD_OUTCOMES)[number]

export const RULE_OPERATORS = ['>=', '>', '<=', '<', '==', '!='] as const
export type RuleOperator = (typeof RULE_OPERATORS)[number]

/** One condition: `input op value`. */
export interface RuleCondition {
  input: RuleInputName
  op: RuleOperator
  value: number
}

/** One rule: all its conditions hold -> it fires and adds its points. */
export interface FraudRule {
  id: string
  reason: string
  points: number
  when: RuleCondition[]
}

/** A total of points at or above a threshold maps to that outcome (the highest one reached). */
export interface FraudThresholds {
  review: number
  hold: number
  decline: number
}

/** A rule set as it is written in the repository (fraud.rule-sets.ts) and published. */
export interface RuleSetDefinition {
  version: number
  name: string
  thresholds: FraudThresholds
  rules: FraudRule[]
}

/** What one rule set made of one checkout. */
export interface RuleSetVerdict {
  version: number
  score: number
  outcome: FraudOutcome
  fired: { id: string; reason: string; points: number }[]
  /** Rules that matched but were snoozed for this buyer (not counted). */
  snoozed: string[]
}

/** A feature that pushed the learned score up, with its share of the log-odds. */
export interface RiskReason {
  feature: SignalName
  contribution: number
}

export const CASE_STATUSES = ['open', 'cleared', 'confirmed'] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]

export interface FraudDecisionDTO {
  id: string
  orderGroupId: string
  orderIds: string[]
  buyerId: string
  storeIds: string[]
  ip?: string
  deviceId?: string
  outcome: FraudOutcome
  score: number
  riskScore: number
  riskReasons: RiskReason[]
  modelVersion?: number
  ruleSetVersion: number
  fired: RuleSetVerdict['fired']
  snoozed: string[]
  inputs: RuleInputs
  /** What the shadow rule set would have done, when one runs. */
  shadow?: RuleSetVerdict
  caseId?: string
  at: string
}

export interface FraudCaseDTO {
  id: string
  decisionId: string
  orderGroupId: string
  orderIds: string[]
  buyerId: string
  storeIds: string[]
  outcome: Exclude<FraudOutcome, 'allow' | 'decline'>
  status: CaseStatus
  score: number
  riskScore: number
  reasons: string[]
  /** The label the model trains on: confirmed = fraud, cleared = not fraud. */
  label?: 'fraud' | 'legit'
  resolution?: {
    by: string
    reason: string
    at: string
    refunded?: string[]
    refundFailed?: string[]
    cancelled?: string[]
    suspended?: boolean
    blockedIp?: string
  }
  openedAt: string
}

/** A case with what an administrator needs to judge it. */
export interface FraudCaseEvidence extends FraudCaseDTO {
  decision: FraudDecisionDTO
  /** The orders' timelines, as `orders explain` shows them. */
  orders: { id: string; status: string; total: number; storeId: string; timeline: unknown[] }[]
  /** Other users seen on the same address or device as the buyer. */
  relatedAccounts: { userId: string; via: 'ip' | 'device' }[]
}
