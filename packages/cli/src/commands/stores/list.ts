import { listStoresQuery, type Page, STORE_STATUSES, type StoreDTO } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable, statusColour } from '../../table.js'

export default class StoresList extends KlosetCommand {
  static override summary = 'List stores, newest first'
  static override examples = [
    '<%= config.bin %> stores list --status pending',
    '<%= config.bin %> stores list --json',
  ]

  static override flags = {
    status: Flags.string({ options: [...STORE_STATUSES], summary: 'Only this status' }),
    ...pageFlags,
  }

  async run(): Promise<Page<StoreDTO>> {
    const { flags } = await this.parse(StoresList)
    const query = this.validate(listStoresQuery, flags)
    const core = await this.core()
    const page = await core.stores.list(this.ctx, query)
    this.say(
      renderTable(
        ['id', 'slug', 'name', 'city', 'status', 'created'],
        page.items.map((s) => [
          s.id,
          s.slug,
          s.name,
          s.address.city,
          statusColour(s.status),
          s.createdAt.slice(0, 10),
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
