import type { StoreDTO } from '@kloset/core'
import { KlosetCommand } from '../../base-command.js'
import { storeArgs } from '../../flags.js'
import { renderRecord, statusColour } from '../../table.js'

export default class StoresShow extends KlosetCommand {
  static override summary = 'Show one store by id or slug'
  static override examples = [
    '<%= config.bin %> stores show ankara-house',
    '<%= config.bin %> stores show 0123456789abcdef01234567 --json',
  ]
  static override args = storeArgs

  async run(): Promise<{ store: StoreDTO }> {
    const { args } = await this.parse(StoresShow)
    const core = await this.core()
    const store = await core.stores.get(this.ctx, args.store)
    const { address, categories, commissionRateBps, plan, ...rest } = store
    this.say(
      renderRecord({
        ...rest,
        status: statusColour(store.status),
        address: [address.line1, address.line2, address.city, address.state, address.country]
          .filter(Boolean)
          .join(', '),
        categories: categories.join(', '),
        commission: `${commissionRateBps / 100}%`,
        plan: plan.code,
      }),
    )
    return { store }
  }
}
