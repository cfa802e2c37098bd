import { CURRENCIES, formatMoney, type RevenueSummary, revenueSummaryQuery } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import {
  type Column,
  listOutputFlags,
  majorUnits,
  renderList,
  storeSlugs,
} from '../../list-output.js'

type Line = {
  label: string
  grossSales: number
  commission: number
  refunds: number
  payouts: number
  fees: number
  netRevenue: number
}

export default class RevenueSummaryCommand extends KlosetCommand {
  static override summary =
    'Gross sales, commission, refunds, payouts, Paystack fees and net revenue of a period'
  static override description =
    'From the ledger, by posting time in [from, to). Money is formatted for people in tables and kept in kobo under --json.'
  static override examples = [
    '<%= config.bin %> revenue summary --from 2026-11-01 --to 2026-12-01',
    '<%= config.bin %> revenue summary --from 2026-11-23 --to 2026-11-30 --by-store --json',
    '<%= config.bin %> revenue summary --from 2026-11-01 --to 2026-12-01 --by-store --sort -commission --csv > revenue.csv',
  ]

  static override flags = {
    from: Flags.string({ required: true, summary: 'Start (inclusive): a date or an ISO time' }),
    to: Flags.string({ required: true, summary: 'End (exclusive): a date or an ISO time' }),
    'by-store': Flags.boolean({ summary: 'Also one line per store' }),
    currency: Flags.string({ options: [...CURRENCIES], default: 'NGN', summary: 'Currency' }),
    ...listOutputFlags,
  }

  async run(): Promise<RevenueSummary> {
    const { flags } = await this.parse(RevenueSummaryCommand)
    const query = this.validate(revenueSummaryQuery, {
      from: flags.from,
      to: flags.to,
      currency: flags.currency,
      byStore: flags['by-store'],
    })
    const core = await this.core()
    const summary = await core.ledger.revenueSummary(this.ctx, query)
    const slugs = await storeSlugs(
      core,
      (summary.stores ?? []).map((line) => line.storeId),
    )
    const lines: Line[] = [
      { label: 'total', ...summary.totals },
      ...(summary.stores ?? []).map((line) => ({
        ...line,
        label: slugs.get(line.storeId) ?? line.storeId,
      })),
    ]
    const money = (field: keyof Omit<Line, 'label'>): Column<Line> => ({
      name: { grossSales: 'gross sales', netRevenue: 'net revenue' }[field as string] ?? field,
      value: (line) => majorUnits(line[field]),
      show: (line) => formatMoney(line[field], summary.currency),
    })
    const columns: Column<Line>[] = [
      { name: 'store', value: (line) => line.label },
      money('grossSales'),
      money('commission'),
      money('refunds'),
      money('payouts'),
      money('fees'),
      money('netRevenue'),
    ]
    const { columns: chosen, sort, csv } = flags
    if (!csv) this.say(`${summary.from} to ${summary.to} (${summary.currency})`)
    this.sayList(renderList(lines, columns, { columns: chosen, sort, csv }), csv)
    if (!csv)
      this.say(`Seller plan subscriptions: ${formatMoney(summary.subscriptions, summary.currency)}`)
    return summary
  }
}
