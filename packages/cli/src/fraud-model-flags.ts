import type { RiskEvaluationReport } from '@kloset/core'
import { Flags } from '@oclif/core'
import { renderTable } from './table.js'

/** The window flags shared by `kloset fraud model train|evaluate|promote`. */
export const windowFlags = {
  seed: Flags.integer({ default: 7, min: 0, summary: 'Seed of the synthetic traffic' }),
  days: Flags.integer({ default: 60, min: 10, max: 365, summary: 'Days of synthetic traffic' }),
  'holdout-days': Flags.integer({
    default: 14,
    min: 1,
    max: 60,
    summary: 'The later days kept out of training, for evaluation',
  }),
  budget: Flags.integer({
    default: 12,
    min: 1,
    summary: 'Reviews per day (the daily top-k the metrics are taken at)',
  }),
}

export const windowInput = (flags: {
  seed: number
  days: number
  'holdout-days': number
  budget: number
}) => ({
  seed: flags.seed,
  days: flags.days,
  holdoutDays: flags['holdout-days'],
  dailyBudget: flags.budget,
})

/** The evaluation table: rules alone, the live model, the candidate. */
export function evaluationTable(report: RiskEvaluationReport): string {
  const rows = [
    ['rules alone', report.rules],
    ...(report.current ? [[`live model v${report.current.version}`, report.current] as const] : []),
    ['candidate', report.candidate],
  ] as const
  return [
    `Window ${report.window.from.slice(0, 10)} .. ${report.window.to.slice(0, 10)}: ${report.window.samples} checkouts, ${report.window.fraud} fraud; budget ${report.dailyBudget}/day`,
    renderTable(
      ['scorer', 'precision@budget', 'recall@budget', 'PR-AUC'],
      rows.map(([name, m]) => [name, m.precisionAtBudget, m.recallAtBudget, m.prAuc]),
    ),
    report.candidateWins ? 'The candidate wins.' : 'The candidate does not win.',
  ].join('\n')
}
