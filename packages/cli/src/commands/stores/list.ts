import { listStoresQuery, type Page, STORE_STATUSES, type StoreDTO } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { type Column, listOutputFlags, renderList } from '../../list-output.js'
import { statusColour } from '../../table.js'

const columns: Column<StoreDTO>[] = [
  { name: 'slug', value: (s) => s.slug },
  { name: 'name', value: (s) => s.name },
  { name: 'city', value: (s) => s.address.city },
  { name: 'status', value: (s) => s.status, show: (s) => statusColour(s.status) },
  { name: 'commission', value: (s) => `${s.commissionRateBps / 100}%` },
  { name: 'created', value: (s) => s.createdAt.slice(0, 10) },
  { name: 'id', value: (s) => s.id },
]

export default class StoresList extends KlosetCommand {
  static override summary = 'List stores, newest first'
  static override examples = [
    '<%= config.bin %> stores list --status pending',
    '<%= config.bin %> stores list --json',
    '<%= config.bin %> stores list --sort name --columns slug,name,status',
    '<%= config.bin %> stores list --limit 100 --csv > stores.csv',
  ]

  static override flags = {
    status: Flags.string({ options: [...STORE_STATUSES], summary: 'Only this status' }),
    ...pageFlags,
    ...listOutputFlags,
  }

  async run(): Promise<Page<StoreDTO>> {
    const { flags } = await this.parse(StoresList)
    const { columns: chosen, sort, csv, ...filters } = flags
    const query = this.validate(listStoresQuery, filters)
    const core = await this.core()
    const page = await core.stores.list(this.ctx, query)
    this.sayList(renderList(page.items, columns, { columns: chosen, sort, csv }), csv, page)
    return page
  }
}
