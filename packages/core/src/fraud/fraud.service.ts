import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import type { CheckoutScreening, FraudPort } from '../orders/fraud.port.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, describeActor, requireRole } from '../shared/ctx.js'
import { ValidationError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import { FraudCases, type FraudMoneyPaths } from './fraud.cases.js'
import { FraudDecisions } from './fraud.decisions.js'
import { toDecisionDTO } from './fraud.dto.js'
import type { FraudModels } from './fraud.model.js'
import { type RuleSetRow, RuleSetStore } from './fraud.rule-store.js'
import { evaluateRuleSet } from './fraud.rules.js'
import {
  type ClearFraudCaseBody,
  type ConfirmFraudCaseBody,
  clearFraudCaseBody,
  confirmFraudCaseBody,
  type EvaluateRiskModelBody,
  evaluateRiskModelBody,
  type ListFraudCasesQuery,
  type ListFraudDecisionsQuery,
  listFraudCasesQuery,
  listFraudDecisionsQuery,
  type PromoteRiskModelBody,
  type PublishRuleSetBody,
  promoteRiskModelBody,
  publishRuleSetBody,
  type SnoozeRuleBody,
  snoozeRuleBody,
  type TestRuleSetBody,
  type TrainRiskModelBody,
  testRuleSetBody,
  trainRiskModelBody,
} from './fraud.schemas.js'
import type { FraudSignals } from './fraud.signals.js'
import { subscribeSignals } from './fraud.subscribers.js'
import type {
  CaseStatus,
  FraudCaseDTO,
  FraudCaseEvidence,
  FraudDecisionDTO,
  FraudOutcome,
} from './fraud.types.js'
import type { EvaluationReport } from './risk-evaluation.js'
import type { LabelledSample } from './risk-model.js'
import { type RiskModelSummary, RiskModels } from './risk-models.js'

export interface FraudDeps {
  models: FraudModels
  signals: FraudSignals
  money: FraudMoneyPaths
  audit: AuditService
  events: EventBus
  clock: Clock
  logger: Logger
  /** When the buyer's account was created, and its role. */
  buyerAccount(buyerId: string): Promise<{ createdAt: string; role: string }>
  /** The buyer's own store id, when they have one. */
  ownStoreOf(buyerId: string): Promise<string | undefined>
  /** The keyed hash of a store's payout account (never the number), when it has one. */
  payoutAccountHashOf(storeId: string): Promise<string | undefined>
  /** The category and variant prices of an approved product. */
  productPrices(productId: string): Promise<{ category: string; prices: number[] }>
  /** The card signature a payment reference was paid with. */
  cardOf(reference: string): Promise<string | undefined>
}

export interface RuleSetTestReport {
  version: number
  replayed: number
  /** Outcomes of the tested set, next to what the live decisions were. */
  outcomes: Record<FraudOutcome, number>
  liveOutcomes: Record<FraudOutcome, number>
  changed: { decisionId: string; live: FraudOutcome; tested: FraudOutcome; score: number }[]
}

const emptyOutcomes = (): Record<FraudOutcome, number> => ({
  allow: 0,
  review: 0,
  hold: 0,
  decline: 0,
})

/**
 * Trust and safety: fraud signals, versioned rule sets (live and shadow), outcomes at checkout,
 * the review queue and the learned risk score (docs/trust-and-safety.md). The facade: decisions
 * are fraud.decisions.ts, the queue fraud.cases.ts, rule sets fraud.rule-store.ts, models
 * risk-models.ts.
 */
export class FraudService implements FraudPort {
  private decisions: FraudDecisions
  private cases: FraudCases
  readonly rules: RuleSetStore
  readonly risk: RiskModels

  constructor(private deps: FraudDeps) {
    const now = () => deps.clock.now().getTime()
    this.rules = new RuleSetStore({ ruleSets: deps.models.ruleSets, now })
    this.risk = new RiskModels({
      models: deps.models,
      now,
      labelledCases: () => this.labelledCases(),
      rules: async () => (await this.rules.active()).live,
    })
    this.decisions = new FraudDecisions({
      ...deps,
      rules: this.rules,
      risk: this.risk,
      ipBlocked: (ip, at) => this.ipBlocked(ip, at),
    })
    this.cases = new FraudCases(deps)
  }

  // ---- the checkout and order holds (FraudPort) -----------------------------------------------

  async screen(ctx: Ctx, screening: CheckoutScreening): Promise<void> {
    await this.decisions.screen(ctx, screening)
  }

  shippingHeld(orderId: string): Promise<boolean> {
    return this.cases.shippingHeld(orderId)
  }

  /**
   * Writes the cases of decisions a crash left without one (the job `repair-fraud-cases`).
   * Returns how many were written.
   */
  repairCases(): Promise<number> {
    return this.cases.repairPending()
  }

  payoutHeld(orderId: string): Promise<boolean> {
    return this.cases.payoutHeld(orderId)
  }

  private async ipBlocked(ip: string, now: Date): Promise<boolean> {
    const block = await this.deps.models.overrides
      .findOne({ kind: 'block_ip', subject: ip, until: op({ $gt: now }) })
      .lean()
    return block !== null
  }

  // ---- the review queue -----------------------------------------------------------------------

  /** Cases, newest first. Administrators. */
  listCases(ctx: Ctx, query: Partial<ListFraudCasesQuery> = {}): Promise<Page<FraudCaseDTO>> {
    requireRole(ctx, 'admin')
    return this.cases.list(validateInput(listFraudCasesQuery, query))
  }

  /** Cases waiting for a decision (flagged orders held). Administrators. */
  countOpenCases(ctx: Ctx): Promise<number> {
    requireRole(ctx, 'admin')
    return this.deps.models.cases.countDocuments({ status: 'open' })
  }

  /** One case with its evidence. @throws NotFoundError */
  getCase(ctx: Ctx, caseId: string): Promise<FraudCaseEvidence> {
    requireRole(ctx, 'admin')
    return this.cases.show(ctx, caseId)
  }

  /** Not fraud: releases the holds. @throws InvalidStateError unless the case is open. */
  clearCase(ctx: Ctx, caseId: string, input: ClearFraudCaseBody): Promise<FraudCaseDTO> {
    requireRole(ctx, 'admin')
    const body = validateInput(clearFraudCaseBody, input)
    return this.cases.clear(ctx, caseId, body.reason)
  }

  /** Fraud: cancels or refunds, optionally suspends and blocks. @throws InvalidStateError */
  confirmCase(ctx: Ctx, caseId: string, input: ConfirmFraudCaseBody): Promise<FraudCaseDTO> {
    requireRole(ctx, 'admin')
    const body = validateInput(confirmFraudCaseBody, input)
    return this.cases.confirm(ctx, caseId, body)
  }

  /** Every decision, newest first (allowed ones too). Administrators. */
  async listDecisions(
    ctx: Ctx,
    query: Partial<ListFraudDecisionsQuery> = {},
  ): Promise<Page<FraudDecisionDTO>> {
    requireRole(ctx, 'admin')
    const q = validateInput(listFraudDecisionsQuery, query)
    const filter: Record<string, unknown> = { ...afterIdCursor(q.cursor) }
    if (q.outcome) filter.outcome = q.outcome
    if (q.buyerId) filter.buyerId = q.buyerId
    const rows = await this.deps.models.decisions
      .find(filter)
      .sort({ _id: -1 })
      .limit(q.limit + 1)
      .lean()
    return toPage(rows, q.limit, toDecisionDTO, idCursorOf)
  }

  /** The decision of an order group, if one was made. */
  async decisionFor(ctx: Ctx, orderGroupId: string): Promise<FraudDecisionDTO | undefined> {
    requireRole(ctx, 'admin')
    const doc = await this.deps.models.decisions.findOne({ orderGroupId }).lean()
    return doc ? toDecisionDTO(doc) : undefined
  }

  /** Silences one rule for one buyer until a date. Audit-logged. */
  async snooze(
    ctx: Ctx,
    input: SnoozeRuleBody,
  ): Promise<{ id: string; buyerId: string; ruleId: string; until: string }> {
    requireRole(ctx, 'admin')
    const body = validateInput(snoozeRuleBody, input)
    if (body.until <= ctx.now) {
      throw new ValidationError('A snooze must end in the future', { until: 'in the past' })
    }
    const { live, shadow } = await this.rules.active()
    const known = [...live.rules, ...(shadow?.rules ?? [])].some((r) => r.id === body.ruleId)
    if (!known) throw new ValidationError('No published rule has that id', { ruleId: body.ruleId })
    const doc = await this.deps.models.overrides.create({
      kind: 'snooze',
      subject: body.buyerId,
      ruleId: body.ruleId,
      until: body.until,
      reason: body.reason,
      by: describeActor(ctx.actor),
      at: ctx.now,
    })
    await this.deps.audit.record(
      ctx,
      'fraud.rule_snoozed',
      { type: 'user', id: body.buyerId },
      { reason: body.reason, details: { ruleId: body.ruleId, until: body.until.toISOString() } },
    )
    return {
      id: String(doc._id),
      buyerId: body.buyerId,
      ruleId: body.ruleId,
      until: body.until.toISOString(),
    }
  }

  // ---- rule sets ------------------------------------------------------------------------------

  listRuleSets(ctx: Ctx): Promise<RuleSetRow[]> {
    requireRole(ctx, 'admin')
    return this.rules.list()
  }

  /** Publishes a repository rule set, live or as the shadow. Audit-logged. */
  async publishRuleSet(ctx: Ctx, input: PublishRuleSetBody): Promise<RuleSetRow> {
    requireRole(ctx, 'admin')
    const body = validateInput(publishRuleSetBody, input)
    const row = await this.rules.publish(ctx, body.version, body.shadow)
    await this.deps.audit.record(
      ctx,
      'fraud.rules_published',
      {
        type: 'fraud_rule_set',
        id: String(body.version),
      },
      { details: { mode: row.mode } },
    )
    return row
  }

  /** Replays the latest decisions' inputs through a repository rule set; changes nothing. */
  async testRuleSet(ctx: Ctx, input: TestRuleSetBody): Promise<RuleSetTestReport> {
    requireRole(ctx, 'admin')
    const body = validateInput(testRuleSetBody, input)
    const set = this.rules.definition(body.version)
    const recent = await this.deps.models.decisions
      .find({})
      .sort({ _id: -1 })
      .limit(body.limit)
      .lean()
    const report: RuleSetTestReport = {
      version: set.version,
      replayed: recent.length,
      outcomes: emptyOutcomes(),
      liveOutcomes: emptyOutcomes(),
      changed: [],
    }
    for (const decision of recent) {
      const tested = evaluateRuleSet(set, decision.inputs, new Set(decision.snoozed))
      report.outcomes[tested.outcome]++
      report.liveOutcomes[decision.outcome]++
      if (tested.outcome !== decision.outcome && report.changed.length < 50) {
        report.changed.push({
          decisionId: String(decision._id),
          live: decision.outcome,
          tested: tested.outcome,
          score: tested.score,
        })
      }
    }
    return report
  }

  // ---- the risk model -------------------------------------------------------------------------

  listModels(ctx: Ctx): Promise<RiskModelSummary[]> {
    requireRole(ctx, 'admin')
    return this.risk.list()
  }

  /** Trains a candidate model and evaluates it. Audit-logged. */
  async trainModel(
    ctx: Ctx,
    input: TrainRiskModelBody,
    onProgress?: (epoch: number, epochs: number, loss: number) => void,
  ): Promise<{ model: RiskModelSummary; evaluation: EvaluationReport }> {
    requireRole(ctx, 'admin')
    const body = validateInput(trainRiskModelBody, input)
    const result = await this.risk.train(ctx, body, onProgress)
    await this.deps.audit.record(ctx, 'fraud.model_trained', {
      type: 'fraud_risk_model',
      id: String(result.model.version),
    })
    return result
  }

  evaluateModel(ctx: Ctx, input: EvaluateRiskModelBody): Promise<EvaluationReport> {
    requireRole(ctx, 'admin')
    return this.risk.evaluate(validateInput(evaluateRiskModelBody, input))
  }

  /** Promotes a model that wins on the window. Audit-logged. @throws InvalidStateError */
  async promoteModel(
    ctx: Ctx,
    input: PromoteRiskModelBody,
  ): Promise<{ model: RiskModelSummary; evaluation: EvaluationReport }> {
    requireRole(ctx, 'admin')
    const result = await this.risk.promote(ctx, validateInput(promoteRiskModelBody, input))
    await this.deps.audit.record(ctx, 'fraud.model_promoted', {
      type: 'fraud_risk_model',
      id: String(result.model.version),
    })
    return result
  }

  /** Resolved cases as training samples: their decision's inputs, labelled by the decision. */
  private async labelledCases(): Promise<LabelledSample[]> {
    const resolved = await this.deps.models.cases
      .find({ status: op({ $in: ['cleared', 'confirmed'] as CaseStatus[] }) })
      .sort({ _id: -1 })
      .limit(10_000)
      .lean()
    const decisions = await this.deps.models.decisions
      .find({ _id: op({ $in: resolved.map((c) => c.decisionId) }) })
      .lean()
    const byId = new Map(decisions.map((d) => [String(d._id), d]))
    return resolved.flatMap((c) => {
      const decision = byId.get(c.decisionId)
      if (!decision) return []
      const { riskScore: _score, ...signals } = decision.inputs
      return [{ signals, fraud: c.status === 'confirmed', at: decision.at }]
    })
  }

  // ---- signals from events (registered by createCore as subscribers) --------------------------

  /**
   * Registers the subscribers that keep the signals' counters (once per event, marketplace-wide;
   * fraud.subscribers.ts).
   */
  subscribe(events: EventBus): void {
    subscribeSignals(events, this.deps)
  }

  /** A user signed in from an address (the accounts service calls it): shared-address signals. */
  async signedIn(userId: string, ip: string | undefined): Promise<void> {
    if (!ip) return
    await this.deps.signals
      .sawUser(userId, { ip })
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error }, 'fraud signal sign-in not recorded'),
      )
  }
}
