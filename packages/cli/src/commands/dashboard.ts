import { CURRENCIES, type Dashboard, dashboardQuery, formatMoney } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../base-command.js'
import { renderTable } from '../table.js'

const DAY = 86_400_000

export default class DashboardCommand extends KlosetCommand {
  static override summary = 'The marketplace on one screen: a period beside the one before'
  static override description =
    'GMV, commission, take rate, refunds and payouts from the ledger, store orders placed by status, active buyers and sellers, payouts due, and what waits for an administrator now (approvals, open disputes, open fraud cases). Default: the last 7 days.'
  static override examples = [
    '<%= config.bin %> dashboard',
    '<%= config.bin %> dashboard --from 2026-11-01 --to 2026-12-01 --json',
  ]

  static override flags = {
    from: Flags.string({ summary: 'Start (inclusive): a date or an ISO time; default 7 days ago' }),
    to: Flags.string({ summary: 'End (exclusive); default now' }),
    currency: Flags.string({ options: [...CURRENCIES], default: 'NGN', summary: 'Currency' }),
  }

  async run(): Promise<Dashboard> {
    const { flags } = await this.parse(DashboardCommand)
    const core = await this.core()
    const now = this.ctx.now
    const query = this.validate(dashboardQuery, {
      from: flags.from ?? new Date(now.getTime() - 7 * DAY).toISOString(),
      to: flags.to ?? now.toISOString(),
      currency: flags.currency,
    })
    const board = await core.insight.dashboard(this.ctx, query)
    const money = (amount: number) => formatMoney(amount, board.currency)
    const { period: p, previous: q } = board
    const row = (label: string, a: string, b: string) => [label, a, b]
    const statuses = [
      ...new Set([...Object.keys(p.ordersByStatus), ...Object.keys(q.ordersByStatus)]),
    ]
    this.say(
      `${p.from.slice(0, 16)} to ${p.to.slice(0, 16)} (previous: from ${q.from.slice(0, 16)})`,
    )
    this.say(
      renderTable(
        ['', 'this period', 'previous'],
        [
          row('GMV', money(p.revenue.grossSales), money(q.revenue.grossSales)),
          row('commission', money(p.revenue.commission), money(q.revenue.commission)),
          row('take rate', `${p.takeRateBps / 100}%`, `${q.takeRateBps / 100}%`),
          row('refunds', money(p.revenue.refunds), money(q.revenue.refunds)),
          row('payouts', money(p.revenue.payouts), money(q.revenue.payouts)),
          row('active buyers', String(p.activeBuyers), String(q.activeBuyers)),
          row('active sellers', String(p.activeSellers), String(q.activeSellers)),
          row('Paystack fees', money(p.revenue.fees), money(q.revenue.fees)),
          row('net revenue', money(p.revenue.netRevenue), money(q.revenue.netRevenue)),
          ...statuses.map((s) =>
            row(`orders ${s}`, String(p.ordersByStatus[s] ?? 0), String(q.ordersByStatus[s] ?? 0)),
          ),
        ],
      ),
    )
    this.say(`Payouts due: ${board.payoutsDue.stores} stores, ${money(board.payoutsDue.amount)}`)
    const waiting = board.approvalsWaiting
    this.say(
      `Waiting now: ${waiting.stores} stores to approve, ${waiting.products} products to review, ` +
        `${board.disputesOpen} disputes open, ${board.fraudCasesOpen} fraud cases open`,
    )
    return board
  }
}
