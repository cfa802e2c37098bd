import { optionalReasonBody, type ProductDTO } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { noteFlag, optionalReason } from '../../flags.js'

export default class ProductsApprove extends KlosetCommand {
  static override summary = 'Approve a product under review, or with --revision its pending edit'
  static override examples = [
    '<%= config.bin %> products approve 0123456789abcdef01234567',
    '<%= config.bin %> products approve 0123456789abcdef01234567 --revision',
  ]
  static override args = { id: Args.string({ required: true, description: 'product id' }) }
  static override flags = {
    revision: Flags.boolean({ summary: 'Approve the pending revision of an approved product' }),
    reason: noteFlag,
  }

  async run(): Promise<{ product: ProductDTO }> {
    const { args, flags } = await this.parse(ProductsApprove)
    const input = this.validate(optionalReasonBody, optionalReason(flags.reason))
    const core = await this.core()
    const product = flags.revision
      ? await core.products.approveRevision(this.ctx, args.id, input)
      : await core.products.approve(this.ctx, args.id, input)
    this.say(
      `${flags.revision ? 'Revision of' : 'Approved'} "${product.title}"${flags.revision ? ' is live' : ''}.`,
    )
    return { product }
  }
}
