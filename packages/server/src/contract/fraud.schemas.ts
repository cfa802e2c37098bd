import {
  CASE_STATUSES,
  FRAUD_OUTCOMES,
  type FraudCaseDTO,
  type FraudCaseEvidence,
  type FraudDecisionDTO,
  type FraudService,
  type RankingMetrics,
  type RiskEvaluationReport,
  type RiskModelSummary,
  RULE_INPUT_NAMES,
  RULE_OPERATORS,
  type RuleSetRow,
  type RuleSetTestReport,
  SIGNAL_NAMES,
} from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, orderDTO, pageOf } from './dto.schemas.js'

/*
 * What the fraud routes (admin-fraud.routes.ts, docs/trust-and-safety.md) answer with. Each DTO is
 * checked against its core type at the bottom of this file, like dto.schemas.ts.
 */

const strict = z.strictObject
const at = z.string().meta({ format: 'date-time', example: '2026-12-01T09:00:00.000Z' })
const id = z.string().meta({ example: '6750a1f2c3d4e5f6a7b8c9d0' })
const count = z.number().int().meta({ example: 1 })
const outcome = z.enum(FRAUD_OUTCOMES)

/** An object with one required number per name (the signals, the outcome counts). */
const numbersNamed = <N extends string>(names: readonly N[]) =>
  strict(Object.fromEntries(names.map((n) => [n, z.number()])) as Record<N, z.ZodNumber>)

const fired = strict({
  id: z.string().meta({ example: 'velocity-buyer-hour' }),
  reason: z.string().meta({ example: 'More than 3 checkouts by this buyer in an hour' }),
  points: z.number().meta({ example: 40 }),
})
const ruleSetVerdict = strict({
  version: count,
  score: z.number(),
  outcome,
  fired: z.array(fired),
  snoozed: z.array(z.string()),
})

export const fraudDecisionDTO = strict({
  id,
  orderGroupId: id,
  orderIds: z.array(id),
  buyerId: id,
  storeIds: z.array(id),
  ip: z.string().optional().meta({ example: '197.210.54.12' }),
  deviceId: z.string().optional(),
  outcome,
  score: z.number().meta({ description: 'Points of the rules that fired', example: 40 }),
  riskScore: z.number().meta({ description: 'The learned risk score, 0-99', example: 12 }),
  riskReasons: z.array(strict({ feature: z.enum(SIGNAL_NAMES), contribution: z.number() })),
  modelVersion: count.optional(),
  ruleSetVersion: count,
  fired: z.array(fired),
  snoozed: z.array(z.string()),
  inputs: numbersNamed(RULE_INPUT_NAMES).meta({ id: 'FraudRuleInputs' }),
  shadow: ruleSetVerdict
    .optional()
    .meta({ description: 'What the shadow rule set would have done, when one runs' }),
  caseId: id.optional(),
  at,
}).meta({ id: 'FraudDecision' })

const caseFields = {
  id,
  decisionId: id,
  orderGroupId: id,
  orderIds: z.array(id),
  buyerId: id,
  storeIds: z.array(id),
  outcome: z.enum(['review', 'hold']),
  status: z.enum(CASE_STATUSES),
  score: z.number(),
  riskScore: z.number(),
  reasons: z.array(z.string()),
  label: z
    .enum(['fraud', 'legit'])
    .optional()
    .meta({ description: 'What the model trains on: confirmed = fraud, cleared = legit' }),
  resolution: strict({
    by: z.string().meta({ example: 'user:6750a1f2c3d4e5f6a7b8c9d0' }),
    reason: z.string(),
    at,
    refunded: z.array(id).optional(),
    refundFailed: z.array(id).optional(),
    cancelled: z.array(id).optional(),
    suspended: z.boolean().optional(),
    blockedIp: z.string().optional(),
  }).optional(),
  openedAt: at,
}
export const fraudCaseDTO = strict(caseFields).meta({ id: 'FraudCase' })

export const fraudCaseEvidence = strict({
  ...caseFields,
  decision: fraudDecisionDTO,
  orders: z.array(
    strict({
      id,
      status: z.string().meta({
        description: 'The order status, or not_written when the checkout failed before it',
        example: 'processing',
      }),
      total: count,
      storeId: z.string(),
      timeline: orderDTO.shape.timeline,
    }),
  ),
  relatedAccounts: z.array(strict({ userId: id, via: z.enum(['ip', 'device']) })),
}).meta({ id: 'FraudCaseEvidence' })

export const fraudSnooze = strict({
  id,
  buyerId: id,
  ruleId: z.string().meta({ example: 'velocity-buyer-hour' }),
  until: at,
}).meta({ id: 'FraudSnooze' })

export const ruleSetRow = strict({
  version: count.meta({ example: 2 }),
  name: z.string(),
  thresholds: strict({ review: z.number(), hold: z.number(), decline: z.number() }),
  rules: z.array(
    strict({
      id: z.string(),
      reason: z.string(),
      points: z.number(),
      when: z.array(
        strict({ input: z.enum(RULE_INPUT_NAMES), op: z.enum(RULE_OPERATORS), value: z.number() }),
      ),
    }),
  ),
  mode: z.enum(['live', 'shadow', 'retired', 'unpublished']),
  publishedAt: at.optional(),
  publishedBy: z.string().optional(),
}).meta({ id: 'FraudRuleSet' })

const outcomeCounts = numbersNamed(FRAUD_OUTCOMES)
export const ruleSetTestReport = strict({
  version: count.meta({ example: 2 }),
  replayed: count.meta({ example: 200 }),
  outcomes: outcomeCounts,
  liveOutcomes: outcomeCounts,
  changed: z.array(strict({ decisionId: id, live: outcome, tested: outcome, score: z.number() })),
}).meta({ id: 'FraudRuleSetTestReport' })

const rankingMetrics = strict({
  precisionAtBudget: z.number(),
  recallAtBudget: z.number(),
  prAuc: z.number(),
  flagged: count,
  caught: count,
  fraud: count,
})
export const riskEvaluationReport = strict({
  window: strict({
    from: at,
    to: at,
    samples: count.meta({ example: 4200 }),
    fraud: count.meta({ example: 63 }),
    days: count.meta({ example: 7 }),
  }),
  dailyBudget: count.meta({ example: 20 }),
  rules: rankingMetrics,
  candidate: rankingMetrics,
  current: strict({ ...rankingMetrics.shape, version: count }).optional(),
  candidateWins: z.boolean(),
}).meta({ id: 'RiskEvaluation' })

export const riskModelSummary = strict({
  version: count,
  status: z.enum(['candidate', 'live', 'retired']),
  trainedAt: at,
  promotedAt: at.optional(),
  trainedOn: strict({
    samples: count,
    positives: count,
    from: at.optional(),
    to: at.optional(),
    seed: count.optional(),
  }),
  weights: z
    .record(z.string(), z.number())
    .meta({ description: 'Per signal', example: { buyerOrdersHour: 0.812 } }),
  bias: z.number(),
  evaluation: riskEvaluationReport
    .optional()
    .meta({ description: 'The evaluation of its training or its promotion' }),
}).meta({ id: 'RiskModel' })

export const fraudCasesPage = pageOf(fraudCaseDTO)
export const fraudCaseBody = strict({ case: fraudCaseDTO })
export const fraudCaseEvidenceBody = strict({ case: fraudCaseEvidence })
export const fraudDecisionsPage = pageOf(fraudDecisionDTO)
export const fraudSnoozeBody = strict({ snooze: fraudSnooze })
export const ruleSetsBody = strict({ items: z.array(ruleSetRow) })
export const ruleSetTestBody = strict({ report: ruleSetTestReport })
export const ruleSetBody = strict({ ruleSet: ruleSetRow })
export const riskModelsBody = strict({ items: z.array(riskModelSummary) })
export const riskModelResultBody = strict({
  model: riskModelSummary,
  evaluation: riskEvaluationReport,
})
export const riskEvaluationBody = strict({ evaluation: riskEvaluationReport })

/*
 * Two core types are looser than what the service sends, so the schemas follow the service:
 * a case's order timelines (`unknown[]` in FraudCaseEvidence) are the order timeline entries,
 * and a model's stored `evaluation` (`Record<string, unknown>`) is the evaluation report that
 * training or promotion wrote.
 */
type Evidence = Omit<FraudCaseEvidence, 'orders'> & {
  orders: (Omit<FraudCaseEvidence['orders'][number], 'timeline'> & {
    timeline: z.output<typeof orderDTO>['timeline']
  })[]
}
type ModelSummary = Omit<RiskModelSummary, 'evaluation'> & { evaluation?: RiskEvaluationReport }

export type FraudSchemasAgree = [
  Assert<Agrees<typeof fraudDecisionDTO, FraudDecisionDTO>>,
  Assert<Agrees<typeof fraudCaseDTO, FraudCaseDTO>>,
  Assert<Agrees<typeof fraudCaseEvidence, Evidence>>,
  Assert<Agrees<typeof fraudSnooze, Awaited<ReturnType<FraudService['snooze']>>>>,
  Assert<Agrees<typeof ruleSetRow, RuleSetRow>>,
  Assert<Agrees<typeof ruleSetTestReport, RuleSetTestReport>>,
  Assert<Agrees<typeof rankingMetrics, RankingMetrics>>,
  Assert<Agrees<typeof riskEvaluationReport, RiskEvaluationReport>>,
  Assert<Agrees<typeof riskModelSummary, ModelSummary>>,
]
