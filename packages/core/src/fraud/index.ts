export { collectSignals } from './fraud.collect.js'
export { DECLINE_MESSAGE } from './fraud.decisions.js'
export { RULE_SETS } from './fraud.rule-sets.js'
export type { RuleSetRow } from './fraud.rule-store.js'
export { evaluateRuleSet } from './fraud.rules.js'
export * from './fraud.schemas.js'
export type { RuleSetTestReport } from './fraud.service.js'
export { FraudService } from './fraud.service.js'
export { FraudSignals } from './fraud.signals.js'
export * from './fraud.types.js'
export type {
  EvaluationReport as RiskEvaluationReport,
  RankingMetrics,
} from './risk-evaluation.js'
export { rankingMetrics, splitByTime } from './risk-evaluation.js'
export type { LabelledSample, RiskModelJson, RiskScore } from './risk-model.js'
export { scoreRisk, trainRiskModel } from './risk-model.js'
export type { RiskModelSummary } from './risk-models.js'
export { FRAUD_PATTERNS, syntheticTraffic } from './synthetic-traffic.js'
