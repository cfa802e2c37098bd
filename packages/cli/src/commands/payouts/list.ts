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
import {
  type Column,
  listOutputFlags,
  majorUnits,
  renderList,
  storeSlugs,
} from '../../list-output.js'
import { statusColour } from '../../table.js'

export default class PayoutsList extends KlosetCommand {
  static override summary = 'List payouts, newest first'
  static override examples = [
    '<%= config.bin %> payouts list --status failed',
    '<%= config.bin %> payouts list --period 2026-W48 --json',
    '<%= config.bin %> payouts list --period 2026-W48 --sort -amount --csv > payouts.csv',
  ]

  static override flags = {
    period: Flags.string({ summary: 'Only this ISO week, e.g. 2026-W48' }),
    status: Flags.string({ options: [...PAYOUT_STATUSES], summary: 'Only this status' }),
    store: Flags.string({ summary: 'Only this store id' }),
    ...pageFlags,
    ...listOutputFlags,
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
    const slugs = await storeSlugs(
      core,
      page.items.map((p) => p.storeId),
    )
    const columns: Column<PayoutDTO>[] = [
      { name: 'id', value: (p) => p.id },
      { name: 'store', value: (p) => slugs.get(p.storeId) ?? p.storeId },
      { name: 'period', value: (p) => p.period },
      {
        name: 'amount',
        value: (p) => majorUnits(p.amount),
        show: (p) => formatMoney(p.amount, p.currency),
      },
      { name: 'status', value: (p) => p.status, show: (p) => statusColour(p.status) },
      { name: 'attempt', value: (p) => p.attempt },
      { name: 'reason', value: (p) => p.attention ?? p.failureReason },
    ]
    const { columns: chosen, sort, csv } = flags
    this.sayList(renderList(page.items, columns, { columns: chosen, sort, csv }), csv, page)
    return page
  }
}
