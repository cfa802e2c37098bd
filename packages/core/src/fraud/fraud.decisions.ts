import { Types } from 'mongoose'
import { op } from '../db/query.js'
import type { CheckoutScreening } from '../orders/fraud.port.js'
import type { Ctx } from '../shared/ctx.js'
import { ForbiddenError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import { ensureCaseOf } from './fraud.cases.js'
import { type CollectDeps, collectSignals } from './fraud.collect.js'
import type { FraudDecisionDoc, FraudModels } from './fraud.model.js'
import type { RuleSetStore } from './fraud.rule-store.js'
import { evaluateRuleSet } from './fraud.rules.js'
import type { RuleInputs, RuleSetVerdict, Signals } from './fraud.types.js'
import { scoreRisk } from './risk-model.js'
import type { RiskModels } from './risk-models.js'

/** What a declined buyer reads: neutral, so it teaches nothing about the rules. */
export const DECLINE_MESSAGE = 'We could not complete this checkout. Please contact support.'

export interface DecisionDeps extends CollectDeps {
  models: FraudModels
  rules: RuleSetStore
  risk: RiskModels
  events: EventBus
  logger: Logger
}

/**
 * The checkout's fraud decision: signals -> learned score -> the live rule set (and the shadow
 * one, which only reports) -> the outcome. Every decision is stored with its inputs, score and
 * fired rules, opens a case when it is `review` or `hold`, and is announced on the `admin`
 * channel (`fraud.decision_made`, a durable event).
 */
export class FraudDecisions {
  constructor(private deps: DecisionDeps) {}

  /** @throws ForbiddenError `checkout_declined` when the outcome is decline (after recording it). */
  async screen(ctx: Ctx, screening: CheckoutScreening): Promise<FraudDecisionDoc> {
    const { models } = this.deps
    const signals = await collectSignals(this.deps, screening, {
      now: ctx.now,
      ...(ctx.ip ? { ip: ctx.ip } : {}),
    })
    const judgement = await this.judge(ctx, screening.buyerId, signals)
    const decision = decisionOf(ctx, screening, judgement)
    // One write holds the decision and all its case is made of (`casePending`); the case
    // follows, and a crash in between is repaired from the decision (fraud.cases.ts).
    await models.decisions.create({
      ...decision,
      ...(decision.caseId ? { casePending: true } : {}),
    })
    if (decision.caseId) await ensureCaseOf(models, decision)
    await this.announce(decision)
    if (decision.outcome === 'decline') {
      throw new ForbiddenError(DECLINE_MESSAGE, 'checkout_declined')
    }
    return decision
  }

  /** The learned score, then the live and shadow rule sets, minus the buyer's snoozed rules. */
  private async judge(ctx: Ctx, buyerId: string, signals: Signals): Promise<Judgement> {
    const { models, rules, risk } = this.deps
    const [{ live, shadow }, model, snoozes] = await Promise.all([
      rules.active(),
      risk.live(),
      models.overrides
        .find({ kind: 'snooze', subject: buyerId, until: op({ $gt: ctx.now }) })
        .lean(),
    ])
    const scored = model ? scoreRisk(model, signals) : undefined
    const inputs: RuleInputs = { ...signals, riskScore: scored?.score ?? 0 }
    const snoozed = new Set(snoozes.map((s) => s.ruleId ?? ''))
    return {
      inputs,
      verdict: evaluateRuleSet(live, inputs, snoozed),
      ...(shadow ? { shadow: evaluateRuleSet(shadow, inputs, snoozed) } : {}),
      riskReasons: scored?.reasons ?? [],
      ...(model ? { modelVersion: model.version } : {}),
    }
  }

  private async announce(decision: FraudDecisionDoc): Promise<void> {
    await this.deps.events.emit('fraud.decision_made', {
      decisionId: String(decision._id),
      orderGroupId: decision.orderGroupId,
      buyerId: decision.buyerId,
      storeIds: decision.storeIds,
      outcome: decision.outcome,
      score: decision.score,
      riskScore: decision.riskScore,
      rules: decision.fired.map((f) => f.id),
      ...(decision.caseId ? { caseId: decision.caseId } : {}),
      ...(decision.shadow ? { shadowOutcome: decision.shadow.outcome } : {}),
    })
  }
}

interface Judgement {
  inputs: RuleInputs
  verdict: RuleSetVerdict
  shadow?: RuleSetVerdict
  riskReasons: FraudDecisionDoc['riskReasons']
  modelVersion?: FraudDecisionDoc['modelVersion']
}

/** The decision as stored: a `review` or `hold` names the case it opens. */
function decisionOf(ctx: Ctx, screening: CheckoutScreening, judged: Judgement): FraudDecisionDoc {
  const { verdict, inputs } = judged
  const _id = new Types.ObjectId()
  const caseId =
    verdict.outcome === 'review' || verdict.outcome === 'hold' ? new Types.ObjectId() : undefined
  return {
    _id,
    orderGroupId: screening.orderGroupId,
    orderIds: screening.orders.map((o) => o.id),
    buyerId: screening.buyerId,
    storeIds: [...new Set(screening.orders.map((o) => o.storeId))],
    ...(ctx.ip ? { ip: ctx.ip } : {}),
    ...(screening.deviceId ? { deviceId: screening.deviceId } : {}),
    outcome: verdict.outcome,
    score: verdict.score,
    riskScore: inputs.riskScore,
    riskReasons: judged.riskReasons,
    ...(judged.modelVersion !== undefined ? { modelVersion: judged.modelVersion } : {}),
    ruleSetVersion: verdict.version,
    fired: verdict.fired,
    snoozed: verdict.snoozed,
    inputs,
    ...(judged.shadow ? { shadow: judged.shadow } : {}),
    ...(caseId ? { caseId: String(caseId) } : {}),
    at: ctx.now,
  }
}
