import type { Signals } from './fraud.types.js'
import type { LabelledSample } from './risk-model.js'

/** How one scorer ranks a held-out window. */
export interface RankingMetrics {
  /** Of the top `budget` checkouts per day, the share that were fraud. */
  precisionAtBudget: number
  /** Of all fraud in the window, the share that fell in a day's top `budget`. */
  recallAtBudget: number
  /** Area under the precision-recall curve (average precision) over the whole window. */
  prAuc: number
  flagged: number
  caught: number
  fraud: number
}

export interface EvaluationReport {
  window: { from: string; to: string; samples: number; fraud: number; days: number }
  /** Reviews an administrator team can do per day: the top-k of each day. */
  dailyBudget: number
  rules: RankingMetrics
  candidate: RankingMetrics
  current?: RankingMetrics & { version: number }
  /** True when the candidate beats both the rules and the current model on this window. */
  candidateWins: boolean
}

type Scorer = (signals: Signals) => number

const dayOf = (at: Date) => Math.floor(at.getTime() / 86_400_000)

/**
 * Ranks the window with `score` and measures it against the labels. Ties are broken by order
 * of arrival (earlier first), the same for every scorer, so a scorer gains nothing from ties.
 */
export function rankingMetrics(
  samples: LabelledSample[],
  score: Scorer,
  dailyBudget: number,
): RankingMetrics {
  const scored = samples.map((s, i) => ({ s, i, score: score(s.signals) }))
  const byScore = (a: (typeof scored)[number], b: (typeof scored)[number]) =>
    b.score - a.score || a.i - b.i
  const days = new Map<number, typeof scored>()
  for (const row of scored) {
    const day = dayOf(row.s.at)
    days.set(day, [...(days.get(day) ?? []), row])
  }
  let flagged = 0
  let caught = 0
  for (const rows of days.values()) {
    const top = rows.sort(byScore).slice(0, dailyBudget)
    flagged += top.length
    caught += top.filter((r) => r.s.fraud).length
  }
  const fraud = samples.filter((s) => s.fraud).length
  return {
    precisionAtBudget: flagged ? caught / flagged : 0,
    recallAtBudget: fraud ? caught / fraud : 0,
    prAuc: averagePrecision(
      scored.sort(byScore).map((r) => r.s.fraud),
      fraud,
    ),
    flagged,
    caught,
    fraud,
  }
}

/** Average precision of a ranking: the mean of the precision at each fraud's rank. */
function averagePrecision(ranked: boolean[], fraud: number): number {
  if (fraud === 0) return 0
  let hits = 0
  let sum = 0
  ranked.forEach((isFraud, index) => {
    if (!isFraud) return
    hits++
    sum += hits / (index + 1)
  })
  return sum / fraud
}

/**
 * Splits samples by time: everything before the last `holdoutDays` days trains, the later
 * window evaluates (a model is judged on traffic it has not seen, as in production).
 */
export function splitByTime<T extends { at: Date }>(
  samples: T[],
  holdoutDays: number,
): { train: T[]; test: T[]; cut: Date } {
  const last = Math.max(...samples.map((s) => s.at.getTime()))
  const cut = new Date((dayOf(new Date(last)) - holdoutDays + 1) * 86_400_000)
  return {
    train: samples.filter((s) => s.at < cut),
    test: samples.filter((s) => s.at >= cut),
    cut,
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000

/** Rounds a metrics row for reports (three decimals). */
export function rounded<M extends RankingMetrics>(metrics: M): M {
  return {
    ...metrics,
    precisionAtBudget: round(metrics.precisionAtBudget),
    recallAtBudget: round(metrics.recallAtBudget),
    prAuc: round(metrics.prAuc),
  }
}

/** A candidate wins when it ranks at least as well as the other on PR-AUC and precision@budget. */
export function beats(candidate: RankingMetrics, other: RankingMetrics): boolean {
  return candidate.prAuc > other.prAuc && candidate.precisionAtBudget >= other.precisionAtBudget
}
