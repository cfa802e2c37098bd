import { formatMoney, type PlanDTO } from '@kloset/core'
import { renderRecord } from './table.js'

/** The columns of a plan in `kloset plans` tables. */
export const PLAN_COLUMNS = [
  'code',
  'name',
  'price',
  'commission',
  'products',
  'featured',
  'payout min',
  'paystack',
  'status',
]

const limitText = (limit: number | null) => (limit === null ? 'unlimited' : String(limit))

/** One plan as a table row, money for people. */
export function planRow(plan: PlanDTO): (string | number)[] {
  return [
    plan.code,
    plan.name,
    plan.amount === 0
      ? formatMoney(0, plan.currency)
      : `${formatMoney(plan.amount, plan.currency)}/${plan.interval}`,
    `${plan.commissionRateBps / 100}%`,
    limitText(plan.productLimit),
    plan.featured ? 'yes' : 'no',
    plan.payoutMinimumKobo === null
      ? 'default'
      : formatMoney(plan.payoutMinimumKobo, plan.currency),
    plan.paystackPlanCode ?? '-',
    plan.status,
  ]
}

/** One plan as a record. */
export function renderPlan(plan: PlanDTO): string {
  const row = planRow(plan)
  return renderRecord(Object.fromEntries(PLAN_COLUMNS.map((name, i) => [name, row[i]])))
}
