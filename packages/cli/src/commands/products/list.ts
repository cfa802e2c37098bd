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
import { renderTable, statusColour } from '../../table.js'

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
  ]

  static override flags = {
    status: Flags.string({ options: [...PRODUCT_STATUSES], summary: 'Only this status' }),
    store: Flags.string({ summary: 'Only this store (id)' }),
    revision: Flags.boolean({ summary: 'Only approved products with an edit waiting for review' }),
    ...pageFlags,
  }

  async run(): Promise<Page<ProductDTO>> {
    const { flags } = await this.parse(ProductsList)
    const { revision, ...rest } = flags
    const query = this.validate(listProductsQuery, {
      ...rest,
      ...(revision ? { revision: 'pending' } : {}),
    })
    const core = await this.core()
    const page = await core.products.list(this.ctx, query)
    this.say(
      renderTable(
        ['id', 'title', 'store', 'status', 'price', 'variants', 'revision', 'created'],
        page.items.map((p) => [
          p.id,
          p.title,
          p.storeId,
          statusColour(p.status),
          priceRange(p),
          p.variantCount,
          p.pendingRevision ? 'pending' : '',
          p.createdAt.slice(0, 10),
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
