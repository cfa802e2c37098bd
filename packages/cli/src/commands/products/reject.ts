import { type ProductDTO, reasonBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { sellerReasonFlag } from '../../flags.js'

export default class ProductsReject extends KlosetCommand {
  static override summary = 'Reject a product under review, or with --revision its pending edit'
  static override examples = [
    '<%= config.bin %> products reject 0123456789abcdef01234567 --reason "photos show another brand"',
    '<%= config.bin %> products reject 0123456789abcdef01234567 --revision --reason "price looks wrong"',
  ]
  static override args = { id: Args.string({ required: true, description: 'product id' }) }
  static override flags = {
    reason: sellerReasonFlag,
    revision: Flags.boolean({
      summary: 'Reject the pending revision; the approved version stays live',
    }),
  }

  async run(): Promise<{ product: ProductDTO }> {
    const { args, flags } = await this.parse(ProductsReject)
    const input = this.validate(reasonBody, { reason: flags.reason })
    const core = await this.core()
    const product = flags.revision
      ? await core.products.rejectRevision(this.ctx, args.id, input)
      : await core.products.reject(this.ctx, args.id, input)
    this.say(`Rejected ${flags.revision ? 'the revision of ' : ''}"${product.title}".`)
    return { product }
  }
}
