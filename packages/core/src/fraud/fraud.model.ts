import { type Connection, type Model, Schema, type Types } from 'mongoose'
import type {
  CaseStatus,
  FraudCaseDTO,
  FraudDecisionDTO,
  FraudRule,
  FraudThresholds,
} from './fraud.types.js'

/**
 * One checkout's fraud decision: what it read, what fired, what it decided. Never changed, but
 * for `casePending`: written true with the decision when it needs a case, unset once the case
 * exists. The decision carries all its case is made of, so a crash between the two writes is
 * repaired from it (fraud.cases.ts `ensureCaseOf`).
 */
export type FraudDecisionDoc = Omit<FraudDecisionDTO, 'id' | 'at'> & {
  _id: Types.ObjectId
  at: Date
  casePending?: boolean
}

const decisionSchema = new Schema<FraudDecisionDoc>(
  {
    orderGroupId: { type: String, required: true },
    orderIds: { type: [String], default: [] },
    buyerId: { type: String, required: true },
    storeIds: { type: [String], default: [] },
    ip: String,
    deviceId: String,
    outcome: { type: String, required: true },
    score: { type: Number, required: true },
    riskScore: { type: Number, required: true },
    riskReasons: { type: Schema.Types.Mixed, default: [] },
    modelVersion: Number,
    ruleSetVersion: { type: Number, required: true },
    fired: { type: Schema.Types.Mixed, default: [] },
    snoozed: { type: [String], default: [] },
    inputs: { type: Schema.Types.Mixed, required: true },
    shadow: Schema.Types.Mixed,
    caseId: String,
    casePending: Boolean,
    at: { type: Date, required: true },
  },
  { collection: 'fraud_decisions', versionKey: false, minimize: false },
)
decisionSchema.index({ orderGroupId: 1 }, { unique: true })
decisionSchema.index({ buyerId: 1, _id: -1 })
decisionSchema.index({ casePending: 1, _id: 1 })
decisionSchema.index({ orderIds: 1 })

/**
 * A decision that needs an administrator (`review` or `hold`). Its orders' holds live here:
 * while the case is open, `hold` keeps its orders from shipping and both keep the seller's share
 * from being released for payout.
 */
export interface FraudCaseDoc {
  _id: Types.ObjectId
  decisionId: string
  orderGroupId: string
  orderIds: string[]
  buyerId: string
  storeIds: string[]
  outcome: FraudCaseDTO['outcome']
  status: CaseStatus
  score: number
  riskScore: number
  reasons: string[]
  resolution?: {
    by: string
    reason: string
    at: Date
    refunded?: string[]
    /** Paid orders whose refund failed (Paystack unavailable): refund them by hand. */
    refundFailed?: string[]
    cancelled?: string[]
    suspended?: boolean
    blockedIp?: string
  }
  openedAt: Date
}

const caseSchema = new Schema<FraudCaseDoc>(
  {
    decisionId: { type: String, required: true },
    orderGroupId: { type: String, required: true },
    orderIds: { type: [String], default: [] },
    buyerId: { type: String, required: true },
    storeIds: { type: [String], default: [] },
    outcome: { type: String, required: true },
    status: { type: String, required: true },
    score: { type: Number, required: true },
    riskScore: { type: Number, required: true },
    reasons: { type: [String], default: [] },
    resolution: Schema.Types.Mixed,
    openedAt: { type: Date, required: true },
  },
  { collection: 'fraud_cases', versionKey: false },
)
caseSchema.index({ decisionId: 1 }, { unique: true })
caseSchema.index({ status: 1, _id: -1 })
caseSchema.index({ orderIds: 1, status: 1 })

/** A rule set published from the repository: `live`, `shadow`, or `retired` once replaced. */
export interface FraudRuleSetDoc {
  _id: Types.ObjectId
  version: number
  name: string
  mode: 'live' | 'shadow' | 'retired'
  thresholds: FraudThresholds
  rules: FraudRule[]
  publishedAt: Date
  publishedBy: string
}

const ruleSetSchema = new Schema<FraudRuleSetDoc>(
  {
    version: { type: Number, required: true },
    name: { type: String, required: true },
    mode: { type: String, required: true },
    thresholds: { type: Schema.Types.Mixed, required: true },
    rules: { type: Schema.Types.Mixed, default: [] },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: String, required: true },
  },
  { collection: 'fraud_rule_sets', versionKey: false },
)
ruleSetSchema.index({ version: 1 }, { unique: true })

/**
 * An administrator's override: `snooze` silences one rule for one buyer until a date;
 * `block_ip` makes an address a signal (`blockedIp`) until a date.
 */
export interface FraudOverrideDoc {
  _id: Types.ObjectId
  kind: 'snooze' | 'block_ip'
  /** The buyer (snooze) or the address (block_ip). */
  subject: string
  ruleId?: string
  until: Date
  reason: string
  by: string
  at: Date
}

const overrideSchema = new Schema<FraudOverrideDoc>(
  {
    kind: { type: String, required: true },
    subject: { type: String, required: true },
    ruleId: String,
    until: { type: Date, required: true },
    reason: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'fraud_overrides', versionKey: false },
)
overrideSchema.index({ kind: 1, subject: 1, until: -1 })

/** A trained risk model (versioned JSON): `candidate` until promoted, then `live`, then `retired`. */
export interface RiskModelDoc {
  _id: Types.ObjectId
  version: number
  status: 'candidate' | 'live' | 'retired'
  /** The model as JSON (risk-model.ts `RiskModelJson`). */
  model: Record<string, unknown>
  /** The evaluation that went with training or promotion. */
  evaluation?: Record<string, unknown>
  trainedAt: Date
  promotedAt?: Date
}

const riskModelSchema = new Schema<RiskModelDoc>(
  {
    version: { type: Number, required: true },
    status: { type: String, required: true },
    model: { type: Schema.Types.Mixed, required: true },
    evaluation: Schema.Types.Mixed,
    trainedAt: { type: Date, required: true },
    promotedAt: Date,
  },
  { collection: 'fraud_risk_models', versionKey: false, minimize: false },
)
riskModelSchema.index({ version: 1 }, { unique: true })

export type FraudDecisionModel = Model<FraudDecisionDoc>
export type FraudCaseModel = Model<FraudCaseDoc>
export type FraudRuleSetModel = Model<FraudRuleSetDoc>
export type FraudOverrideModel = Model<FraudOverrideDoc>
export type RiskModelModel = Model<RiskModelDoc>

export interface FraudModels {
  decisions: FraudDecisionModel
  cases: FraudCaseModel
  ruleSets: FraudRuleSetModel
  overrides: FraudOverrideModel
  riskModels: RiskModelModel
}

export function createFraudModels(conn: Connection): FraudModels {
  return {
    decisions:
      conn.models.FraudDecision ?? conn.model<FraudDecisionDoc>('FraudDecision', decisionSchema),
    cases: conn.models.FraudCase ?? conn.model<FraudCaseDoc>('FraudCase', caseSchema),
    ruleSets:
      conn.models.FraudRuleSet ?? conn.model<FraudRuleSetDoc>('FraudRuleSet', ruleSetSchema),
    overrides:
      conn.models.FraudOverride ?? conn.model<FraudOverrideDoc>('FraudOverride', overrideSchema),
    riskModels: conn.models.RiskModel ?? conn.model<RiskModelDoc>('RiskModel', riskModelSchema),
  }
}
