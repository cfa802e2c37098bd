import {
  formatMoney,
  listProductsQuery,
  type Page,
  PRODUCT_STATUSES,
  type ProductDTO,
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

/** A price range for people; JSON keeps kobo. */
export const priceRange = (p: Pick<ProductDTO, 'minPrice' | 'maxPrice'>): string =>
  p.minPrice === undefined
    ? ''
    : p.minPrice === p.maxPrice || p.maxPrice === undefined
      ? formatMoney(p.minPrice)
      : `${formatMoney(p.minPrice)} – ${formatMoney(p.maxPrice)}`

export default class ProductsList extends KlosetCommand {
  static override summary = 'List products, newest first: the review queue by default filters'
  static override examples = [
    '<%= config.bin %> products list --status pending_review',
    '<%= config.bin %> products list --revision --json',
    '<%= config.bin %> products list --store 0123456789abcdef01234567',
    '<%= config.bin %> products list --sort -price --columns title,store,price',
    '<%= config.bin %> products list --limit 100 --csv > products.csv',
  ]

  static override flags = {
    status: Flags.string({ options: [...PRODUCT_STATUSES], summary: 'Only this status' }),
    store: Flags.string({ summary: 'Only this store (id)' }),
    revision: Flags.boolean({ summary: 'Only approved products with an edit waiting for review' }),
    ...pageFlags,
    ...listOutputFlags,
  }

  async run(): Promise<Page<ProductDTO>> {
    const { flags } = await this.parse(ProductsList)
    const { revision, columns: chosen, sort, csv, ...rest } = flags
    const query = this.validate(listProductsQuery, {
      ...rest,
      ...(revision ? { revision: 'pending' } : {}),
    })
    const core = await this.core()
    const page = await core.products.list(this.ctx, query)
    const slugs = await storeSlugs(
      core,
      page.items.map((p) => p.storeId),
    )
    const columns: Column<ProductDTO>[] = [
      { name: 'id', value: (p) => p.id },
      { name: 'title', value: (p) => p.title },
      { name: 'store', value: (p) => slugs.get(p.storeId) ?? p.storeId },
      { name: 'status', value: (p) => p.status, show: (p) => statusColour(p.status) },
      {
        name: 'price',
        value: (p) => (p.minPrice === undefined ? '' : majorUnits(p.minPrice)),
        show: priceRange,
      },
      { name: 'variants', value: (p) => p.variantCount },
      { name: 'revision', value: (p) => (p.pendingRevision ? 'pending' : '') },
      { name: 'created', value: (p) => p.createdAt.slice(0, 10) },
    ]
    this.sayList(renderList(page.items, columns, { columns: chosen, sort, csv }), csv, page)
    return page
  }
}
