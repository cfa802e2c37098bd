import { CURRENCIES, formatMoney, type RevenueSummary, revenueSummaryQuery } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderTable } from '../../table.js'

export default class RevenueSummaryCommand extends KlosetCommand {
  static override summary = 'Gross sales, commission, refunds and payouts of a period'
  static override description =
    'From the ledger, by posting time in [from, to). Money is formatted for people in tables and kept in kobo under --json.'
  static override examples = [
    '<%= config.bin %> revenue summary --from 2026-11-01 --to 2026-12-01',
    '<%= config.bin %> revenue summary --from 2026-11-23 --to 2026-11-30 --by-store --json',
  ]

  static override flags = {
    from: Flags.string({ required: true, summary: 'Start (inclusive): a date or an ISO time' }),
    to: Flags.string({ required: true, summary: 'End (exclusive): a date or an ISO time' }),
    'by-store': Flags.boolean({ summary: 'Also one line per store' }),
    currency: Flags.string({ options: [...CURRENCIES], default: 'NGN', summary: 'Currency' }),
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
    const money = (amount: number) => formatMoney(amount, summary.currency)
    const rows = [
      [
        'total',
        ...[
          summary.totals.grossSales,
          summary.totals.commission,
          summary.totals.refunds,
          summary.totals.payouts,
        ].map(money),
      ],
      ...(summary.stores ?? []).map((s) => [
        s.storeId,
        ...[s.grossSales, s.commission, s.refunds, s.payouts].map(money),
      ]),
    ]
    this.say(`${summary.from} to ${summary.to} (${summary.currency})`)
    this.say(renderTable(['', 'gross sales', 'commission', 'refunds', 'payouts'], rows))
    this.say(`Seller plan subscriptions: ${money(summary.subscriptions)}`)
    return summary
  }
}
