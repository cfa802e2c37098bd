import { beforeAll, describe, expect, it } from '@jest/globals'
import { RULE_SETS } from './fraud.rule-sets.js'
import { evaluateRuleSet } from './fraud.rules.js'
import { SIGNAL_NAMES } from './fraud.types.js'
import { type RankingMetrics, rankingMetrics, splitByTime } from './risk-evaluation.js'
import { parseRiskModel, type RiskModelJson, scoreRisk, trainRiskModel } from './risk-model.js'
import { FRAUD_PATTERNS, syntheticTraffic } from './synthetic-traffic.js'

// The documented evaluation (docs/trust-and-safety.md): 60 days, seed 7, the last 14 held out,
// 12 reviews a day.
const traffic = syntheticTraffic({ seed: 7, days: 60 })
const { train, test } = splitByTime(traffic, 14)
let model: RiskModelJson
let byModel: RankingMetrics
let byRules: RankingMetrics
const BUDGET = 12
beforeAll(async () => {
  model = await trainRiskModel(train, { version: 1, seed: 7 })
  byModel = rankingMetrics(test, (s) => scoreRisk(model, s).probability, BUDGET)
  byRules = rankingMetrics(
    test,
    (s) => evaluateRuleSet(RULE_SETS[0]!, { ...s, riskScore: 0 }).score,
    BUDGET,
  )
})

describe('synthetic labelled traffic', () => {
  it('gives the same traffic for the same seed', () => {
    const again = syntheticTraffic({ seed: 7, days: 2 })
    expect(again).toEqual(syntheticTraffic({ seed: 7, days: 2 }))
    expect(again).not.toEqual(syntheticTraffic({ seed: 8, days: 2 }))
  })

  it('plants every fraud pattern at about the configured rate', () => {
    const fraud = traffic.filter((s) => s.fraud)
    expect(fraud.length / traffic.length).toBeGreaterThan(0.015)
    expect(fraud.length / traffic.length).toBeLessThan(0.035)
    expect(new Set(fraud.map((s) => s.pattern))).toEqual(new Set(FRAUD_PATTERNS))
  })
})

describe('the learned risk score', () => {
  it('is evaluated on a later window than it was trained on', () => {
    const lastTrained = Math.max(...train.map((s) => s.at.getTime()))
    const firstTested = Math.min(...test.map((s) => s.at.getTime()))
    expect(lastTrained).toBeLessThan(firstTested)
  })

  it('reaches precision 0.6 and recall 0.7 at the daily review budget', () => {
    expect(byModel.precisionAtBudget).toBeGreaterThanOrEqual(0.6)
    expect(byModel.recallAtBudget).toBeGreaterThanOrEqual(0.7)
  })

  // The goal must hold on the synthetic data, not on one lucky seed: the table of
  // docs/trust-and-safety.md ("Evaluation over seeds").
  it.each([11, 13, 42, 101])(
    'reaches the goal and beats the rules on the traffic of seed %i too',
    async (seed) => {
      const split = splitByTime(syntheticTraffic({ seed, days: 60 }), 14)
      const trained = await trainRiskModel(split.train, { version: 1, seed })
      const learned = rankingMetrics(split.test, (s) => scoreRisk(trained, s).probability, BUDGET)
      const rules = rankingMetrics(
        split.test,
        (s) => evaluateRuleSet(RULE_SETS[0]!, { ...s, riskScore: 0 }).score,
        BUDGET,
      )
      expect(learned.precisionAtBudget).toBeGreaterThanOrEqual(0.6)
      expect(learned.recallAtBudget).toBeGreaterThanOrEqual(0.7)
      expect(learned.prAuc).toBeGreaterThan(rules.prAuc)
      expect(learned.precisionAtBudget).toBeGreaterThan(rules.precisionAtBudget)
    },
    60_000,
  )

  it('still scores a stored model that predates the derived features', () => {
    const signalsOnly = {
      ...model,
      features: model.features.filter((f) => (SIGNAL_NAMES as readonly string[]).includes(f)),
    }
    const n = signalsOnly.features.length
    const old = parseRiskModel({
      ...signalsOnly,
      means: model.means.slice(0, n),
      scales: model.scales.slice(0, n),
      weights: model.weights.slice(0, n),
    })
    const scam = test.find((s) => s.pattern === 'card_testing')!.signals
    expect(scoreRisk(old, scam).score).toBeGreaterThanOrEqual(0)
    expect(scoreRisk(old, scam).reasons.every((r) => SIGNAL_NAMES.includes(r.feature))).toBe(true)
  })

  it('credits a derived feature to the signals it is built from in the reasons', () => {
    const triangulation = test
      .filter((s) => s.pattern === 'triangulation')
      .map((s) => scoreRisk(model, s.signals))
      .sort((a, b) => b.score - a.score)[0]!
    expect(triangulation.reasons.every((r) => SIGNAL_NAMES.includes(r.feature))).toBe(true)
  })

  it('beats the rules alone on PR-AUC and at the budget', () => {
    expect(byModel.prAuc).toBeGreaterThan(byRules.prAuc)
    expect(byModel.precisionAtBudget).toBeGreaterThan(byRules.precisionAtBudget)
    expect(byModel.recallAtBudget).toBeGreaterThan(byRules.recallAtBudget)
  })

  it('scores 0-99 and names the features that pushed a score up', () => {
    const scams = test.filter((s) => s.pattern === 'payout_collusion')
    const top = scams.map((s) => scoreRisk(model, s.signals)).sort((a, b) => b.score - a.score)[0]!
    expect(top.score).toBeGreaterThan(50)
    expect(top.score).toBeLessThanOrEqual(99)
    expect(top.reasons.length).toBeGreaterThan(0)
    expect(top.reasons[0]!.contribution).toBeGreaterThan(0)
  })

  it('survives a round trip through JSON', () => {
    const stored = parseRiskModel(JSON.parse(JSON.stringify(model)))
    const sample = test[0]!.signals
    expect(scoreRisk(stored, sample)).toEqual(scoreRisk(model, sample))
  })

  it('refuses a stored model it cannot read', () => {
    expect(() => parseRiskModel({ kind: 'logistic-regression', features: ['nope'] })).toThrow(
      'Not a risk model',
    )
  })

  it('refuses to train without both labels', async () => {
    await expect(
      trainRiskModel(
        train.filter((s) => !s.fraud),
        { version: 2 },
      ),
    ).rejects.toThrow('both')
  })
})
