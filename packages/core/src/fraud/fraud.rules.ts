import type {
  FraudOutcome,
  FraudRule,
  FraudThresholds,
  RuleCondition,
  RuleInputs,
  RuleSetDefinition,
  RuleSetVerdict,
} from './fraud.types.js'

const COMPARE: Record<RuleCondition['op'], (a: number, b: number) => boolean> = {
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '<': (a, b) => a < b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
}

/** True when every condition of the rule holds for the inputs. */
export function ruleMatches(rule: FraudRule, inputs: RuleInputs): boolean {
  return rule.when.every((c) => COMPARE[c.op](inputs[c.input], c.value))
}

/** The outcome a total maps to: the highest threshold reached, `allow` below them all. */
export function outcomeOf(score: number, thresholds: FraudThresholds): FraudOutcome {
  if (score >= thresholds.decline) return 'decline'
  if (score >= thresholds.hold) return 'hold'
  if (score >= thresholds.review) return 'review'
  return 'allow'
}

/**
 * Runs a rule set over one checkout's inputs. Rules in `snoozed` (an administrator silenced them
 * for this buyer) match without counting.
 */
export function evaluateRuleSet(
  set: RuleSetDefinition,
  inputs: RuleInputs,
  snoozed: ReadonlySet<string> = new Set(),
): RuleSetVerdict {
  const fired: RuleSetVerdict['fired'] = []
  const silenced: string[] = []
  for (const rule of set.rules) {
    if (!ruleMatches(rule, inputs)) continue
    if (snoozed.has(rule.id)) silenced.push(rule.id)
    else fired.push({ id: rule.id, reason: rule.reason, points: rule.points })
  }
  const score = fired.reduce((sum, f) => sum + f.points, 0)
  return {
    version: set.version,
    score,
    outcome: outcomeOf(score, set.thresholds),
    fired,
    snoozed: silenced,
  }
}
