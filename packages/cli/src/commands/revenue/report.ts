import {
  CURRENCIES,
  formatMoney,
  type RevenueReport,
  revenueReportCsv,
  revenueReportQuery,
} from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderTable } from '../../table.js'

/** A horizontal bar per bucket, scaled to the largest: the trend at a glance. */
function bars(values: number[], width = 30): string[] {
  const max = Math.max(...values, 1)
  return values.map((v) => '█'.repeat(Math.round((Math.max(v, 0) / max) * width)))
}

export default class RevenueReportCommand extends KlosetCommand {
  static override summary = 'Gross sales, commission, refunds and payouts per day, week or month'
  static override description =
    'From the ledger (the same figures as `revenue summary`), in UTC days, weeks from Monday, or months; the first and last bucket are cut to the period. --csv prints CSV in kobo.'
  static override examples = [
    '<%= config.bin %> revenue report --from 2026-11-01 --to 2026-12-01 --by week',
    '<%= config.bin %> revenue report --from 2026-01-01 --to 2027-01-01 --by month --csv > revenue.csv',
  ]

  static override flags = {
    from: Flags.string({ required: true, summary: 'Start (inclusive): a date or an ISO time' }),
    to: Flags.string({ required: true, summary: 'End (exclusive): a date or an ISO time' }),
    by: Flags.string({ options: ['day', 'week', 'month'], default: 'day', summary: 'Bucket size' }),
    store: Flags.string({ summary: 'Only this store (id)' }),
    csv: Flags.boolean({ summary: 'Print CSV (amounts in kobo) instead of a table' }),
    currency: Flags.string({ options: [...CURRENCIES], default: 'NGN', summary: 'Currency' }),
  }

  async run(): Promise<RevenueReport> {
    const { flags } = await this.parse(RevenueReportCommand)
    const query = this.validate(revenueReportQuery, {
      from: flags.from,
      to: flags.to,
      granularity: flags.by,
      currency: flags.currency,
      ...(flags.store ? { store: flags.store } : {}),
    })
    const core = await this.core()
    const report = await core.insight.revenueReport(this.ctx, query)
    if (flags.csv) {
      this.say(revenueReportCsv(report).trimEnd())
      return report
    }
    const money = (amount: number) => formatMoney(amount, report.currency)
    const chart = bars(report.buckets.map((b) => b.grossSales))
    this.say(`${report.from} to ${report.to} (${report.currency}, by ${report.granularity})`)
    this.say(
      renderTable(
        ['start', 'gross sales', 'commission', 'refunds', 'payouts', 'fees', 'net revenue', ''],
        [
          ...report.buckets.map((b, i) => [
            b.start.slice(0, 10),
            ...[b.grossSales, b.commission, b.refunds, b.payouts, b.fees, b.netRevenue].map(money),
            chart[i] ?? '',
          ]),
          [
            'total',
            ...[
              report.totals.grossSales,
              report.totals.commission,
              report.totals.refunds,
              report.totals.payouts,
              report.totals.fees,
              report.totals.netRevenue,
            ].map(money),
            '',
          ],
        ],
      ),
    )
    return report
  }
}
