import { ValidationError, type VariantRecount } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderTable } from '../../table.js'

export default class StockRecount extends KlosetCommand {
  static override summary =
    'Recount stock from its movements after a restock a crash left unconfirmed'
  static override description =
    'For each restock marked unconfirmed for more than 10 minutes: adds its units when the stock is short of the movements by at least that much, and clears the mark. A second run changes nothing. Units a lost decrement took are reported as shortfall and not given back (docs/operations.md, "Interrupted restocks").'
  static override examples = [
    '<%= config.bin %> stock recount --all',
    '<%= config.bin %> stock recount --variant 6750a1f2c3d4e5f6a7b8c9d0 --json',
  ]

  static override flags = {
    variant: Flags.string({ summary: 'One variant (id)', exclusive: ['all'] }),
    all: Flags.boolean({
      summary: 'Every variant with an unconfirmed restock',
      exclusive: ['variant'],
    }),
  }

  async run(): Promise<{ variants: VariantRecount[] }> {
    const { flags } = await this.parse(StockRecount)
    if (!flags.variant && !flags.all) {
      throw new ValidationError('Give --variant <id> or --all', { variant: 'or --all' })
    }
    const core = await this.core()
    const result = await core.stockRecount.recount(
      this.ctx,
      flags.variant ? { variantId: flags.variant } : { all: true },
    )
    this.say(
      renderTable(
        ['variant', 'movements', 'before', 'after', 'restored', 'confirmed', 'shortfall'],
        result.variants.map((v) => [
          v.variantId,
          v.movements,
          v.stockBefore,
          v.stockAfter,
          v.restored,
          v.confirmed,
          v.shortfall,
        ]),
      ),
    )
    return result
  }
}
