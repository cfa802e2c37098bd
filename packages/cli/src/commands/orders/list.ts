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
import {
  type Column,
  listOutputFlags,
  majorUnits,
  renderList,
  storeSlugs,
  userEmails,
} from '../../list-output.js'
import { statusColour } from '../../table.js'

/** The columns, given the store slugs and buyer emails of the page's orders. */
function columnsOf(
  slugs: Map<string, string>,
  emails: Map<string, string>,
): Column<AdminOrderDTO>[] {
  return [
    { name: 'id', value: (o) => o.id },
    { name: 'store', value: (o) => slugs.get(o.storeId) ?? o.storeName },
    { name: 'buyer', value: (o) => emails.get(o.buyerId) ?? o.buyerId },
    { name: 'status', value: (o) => o.status, show: (o) => statusColour(o.status) },
    {
      name: 'total',
      value: (o) => majorUnits(o.total),
      show: (o) => formatMoney(o.total, o.currency),
    },
    {
      name: 'refunded',
      value: (o) => (o.refundedAmount ? majorUnits(o.refundedAmount) : ''),
      show: (o) => (o.refundedAmount ? formatMoney(o.refundedAmount, o.currency) : ''),
    },
    { name: 'items', value: (o) => o.lines.reduce((sum, l) => sum + l.quantity, 0) },
    { name: 'placed', value: (o) => o.createdAt.slice(0, 16).replace('T', ' ') },
  ]
}

export default class OrdersList extends KlosetCommand {
  static override summary = 'List store orders, newest first, by status and store'
  static override examples = [
    '<%= config.bin %> orders list --status disputed',
    '<%= config.bin %> orders list --store 0123456789abcdef01234567 --json',
    '<%= config.bin %> orders list --status processing --sort placed --columns id,store,buyer,total',
    '<%= config.bin %> orders list --limit 100 --csv > orders.csv',
  ]

  static override flags = {
    status: Flags.string({ options: [...ORDER_STATUSES], summary: 'Only this status' }),
    store: Flags.string({ summary: 'Only this store (id)' }),
    ...pageFlags,
    ...listOutputFlags,
  }

  async run(): Promise<Page<AdminOrderDTO>> {
    const { flags } = await this.parse(OrdersList)
    const { columns: chosen, sort, csv, ...filters } = flags
    const query = this.validate(adminOrdersQuery, filters)
    const core = await this.core()
    const page = await core.orders.list(this.ctx, query)
    const columns = columnsOf(
      await storeSlugs(
        core,
        page.items.map((o) => o.storeId),
      ),
      await userEmails(
        core,
        this.ctx,
        page.items.map((o) => o.buyerId),
      ),
    )
    this.sayList(renderList(page.items, columns, { columns: chosen, sort, csv }), csv, page)
    return page
  }
}
