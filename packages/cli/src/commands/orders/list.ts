import {
  type AdminOrderDTO,
  adminOrdersQuery,
  formatMoney,
  ORDER_STATUSES,
  type Page,
} from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable, statusColour } from '../../table.js'

export default class OrdersList extends KlosetCommand {
  static override summary = 'List store orders, newest first, by status and store'
  static override examples = [
    '<%= config.bin %> orders list --status disputed',
    '<%= config.bin %> orders list --store 0123456789abcdef01234567 --json',
  ]

  static override flags = {
    status: Flags.string({ options: [...ORDER_STATUSES], summary: 'Only this status' }),
    store: Flags.string({ summary: 'Only this store (id)' }),
    ...pageFlags,
  }

  async run(): Promise<Page<AdminOrderDTO>> {
    const { flags } = await this.parse(OrdersList)
    const query = this.validate(adminOrdersQuery, flags)
    const core = await this.core()
    const page = await core.orders.list(this.ctx, query)
    this.say(
      renderTable(
        ['id', 'store', 'status', 'total', 'refunded', 'items', 'placed'],
        page.items.map((o) => [
          o.id,
          o.storeName,
          statusColour(o.status),
          formatMoney(o.total, o.currency),
          o.refundedAmount ? formatMoney(o.refundedAmount, o.currency) : '',
          o.lines.reduce((sum, l) => sum + l.quantity, 0),
          o.createdAt.slice(0, 16).replace('T', ' '),
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
