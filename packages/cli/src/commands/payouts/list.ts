import {
  formatMoney,
  listPayoutsQuery,
  PAYOUT_STATUSES,
  type Page,
  type PayoutDTO,
} from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable, statusColour } from '../../table.js'

export default class PayoutsList extends KlosetCommand {
  static override summary = 'List payouts, newest first'
  static override examples = [
    '<%= config.bin %> payouts list --status failed',
    '<%= config.bin %> payouts list --period 2026-W48 --json',
  ]

  static override flags = {
    period: Flags.string({ summary: 'Only this ISO week, e.g. 2026-W48' }),
    status: Flags.string({ options: [...PAYOUT_STATUSES], summary: 'Only this status' }),
    store: Flags.string({ summary: 'Only this store id' }),
    ...pageFlags,
  }

  async run(): Promise<Page<PayoutDTO>> {
    const { flags } = await this.parse(PayoutsList)
    const query = this.validate(listPayoutsQuery, {
      limit: flags.limit,
      ...(flags.period ? { period: flags.period } : {}),
      ...(flags.status ? { status: flags.status } : {}),
      ...(flags.store ? { storeId: flags.store } : {}),
      ...(flags.cursor ? { cursor: flags.cursor } : {}),
    })
    const core = await this.core()
    const page = await core.payouts.list(this.ctx, query)
    this.say(
      renderTable(
        ['id', 'store', 'period', 'amount', 'status', 'attempt', 'reason'],
        page.items.map((p) => [
          p.id,
          p.storeId,
          p.period,
          formatMoney(p.amount, p.currency),
          statusColour(p.status),
          p.attempt,
          p.attention ?? p.failureReason,
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
