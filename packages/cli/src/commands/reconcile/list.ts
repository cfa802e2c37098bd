import {
  listReconcileItemsQuery,
  type Page,
  RECONCILE_ITEM_STATUSES,
  type ReconcileItemDTO,
} from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable, statusColour } from '../../table.js'

export default class ReconcileList extends KlosetCommand {
  static override summary = 'List reconcile items (mismatches to resolve), newest first'
  static override examples = [
    '<%= config.bin %> reconcile list --status open',
    '<%= config.bin %> reconcile list --status resolved --json',
  ]

  static override flags = {
    status: Flags.string({ options: [...RECONCILE_ITEM_STATUSES], summary: 'Only this status' }),
    ...pageFlags,
  }

  async run(): Promise<Page<ReconcileItemDTO>> {
    const { flags } = await this.parse(ReconcileList)
    const query = this.validate(listReconcileItemsQuery, {
      limit: flags.limit,
      ...(flags.cursor ? { cursor: flags.cursor } : {}),
      ...(flags.status ? { status: flags.status } : {}),
    })
    const core = await this.core()
    const page = await core.reconcile.listItems(this.ctx, query)
    this.say(
      renderTable(
        ['id', 'status', 'kind', 'subject', 'day', 'seen', 'what'],
        page.items.map((item) => [
          item.id,
          statusColour(item.status),
          item.kind,
          item.subject,
          item.date,
          item.timesSeen,
          item.message,
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
