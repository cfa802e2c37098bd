import { formatMoney, type ProductDetailDTO } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderRecord, renderTable, statusColour } from '../../table.js'
import { priceRange } from './list.js'

export default class ProductsShow extends KlosetCommand {
  static override summary = 'Show a product: live content, pending revision and variants'
  static override examples = [
    '<%= config.bin %> products show 0123456789abcdef01234567',
    '<%= config.bin %> products show 0123456789abcdef01234567 --json',
  ]
  static override args = { id: Args.string({ required: true, description: 'product id' }) }

  async run(): Promise<{ product: ProductDetailDTO }> {
    const { args } = await this.parse(ProductsShow)
    const core = await this.core()
    const product = await core.products.get(this.ctx, args.id)
    this.say(
      renderRecord({
        id: product.id,
        store: product.storeId,
        status: statusColour(product.status),
        reason: product.statusReason,
        title: product.title,
        category: product.category,
        brand: product.brand,
        tags: product.tags.join(', '),
        options: product.options.map((o) => `${o.name}: ${o.values.join('/')}`).join('; '),
        images: product.images.length,
        price: priceRange(product),
        'in stock': product.inStock,
        published: product.publishedAt,
      }),
    )
    const revision = product.pendingRevision
    if (revision) {
      this.say(`Pending revision, submitted ${revision.submittedAt}:`)
      this.say(
        renderRecord({
          title: revision.title,
          description: revision.description,
          category: revision.category,
          brand: revision.brand,
          tags: revision.tags.join(', '),
          options: revision.options.map((o) => `${o.name}: ${o.values.join('/')}`).join('; '),
          images: revision.images.length,
        }),
      )
    }
    this.say(
      renderTable(
        ['variant', 'sku', 'options', 'price', 'stock'],
        product.variants.map((v) => [
          v.id,
          v.sku,
          Object.entries(v.options)
            .map(([name, value]) => `${name}=${value}`)
            .join(' '),
          formatMoney(v.price),
          v.stock,
        ]),
      ),
    )
    return { product }
  }
}
