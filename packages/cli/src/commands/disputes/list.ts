import {
  DISPUTE_SOURCES,
  DISPUTE_STATUSES,
  type DisputeDTO,
  formatMoney,
  listDisputesQuery,
  type Page,
} from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable, statusColour } from '../../table.js'

/** The next deadline of a case, as the queue shows it. */
export const nextDeadline = (d: DisputeDTO): string | undefined =>
  ({
    awaiting_seller: d.deadlines.sellerDueAt,
    seller_answered: d.deadlines.buyerDueAt,
    escalated: d.deadlines.adminDueAt,
    resolved: undefined,
  })[d.status]

export default class DisputesList extends KlosetCommand {
  static override summary = 'List dispute cases, newest first, by status, source, store or overdue'
  static override examples = [
    '<%= config.bin %> disputes list --status escalated',
    '<%= config.bin %> disputes list --overdue',
    '<%= config.bin %> disputes list --source chargeback --json',
  ]

  static override flags = {
    status: Flags.string({ options: [...DISPUTE_STATUSES], summary: 'Only this status' }),
    source: Flags.string({
      options: [...DISPUTE_SOURCES],
      summary: 'Only platform cases or chargebacks',
    }),
    store: Flags.string({ summary: 'Only this store (id)' }),
    overdue: Flags.boolean({
      summary: 'Only escalated cases past their 48-hour decision deadline',
    }),
    ...pageFlags,
  }

  async run(): Promise<Page<DisputeDTO>> {
    const { flags } = await this.parse(DisputesList)
    const query = this.validate(listDisputesQuery, {
      ...flags,
      ...(flags.overdue ? { overdue: true } : { overdue: undefined }),
    })
    const core = await this.core()
    const page = await core.disputes.list(this.ctx, query)
    this.say(
      renderTable(
        ['id', 'order', 'source', 'status', 'reason', 'amount', 'due', 'opened'],
        page.items.map((d) => [
          d.id,
          d.orderId,
          d.source,
          statusColour(d.overdue ? `${d.status} (overdue)` : d.status),
          d.reason,
          formatMoney(d.amount, d.currency),
          nextDeadline(d)?.slice(0, 16).replace('T', ' ') ?? '',
          d.openedAt.slice(0, 16).replace('T', ' '),
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
