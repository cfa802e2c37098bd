import { type StoreDTO, storeReasonBody } from '@kloset/core'
import { KlosetCommand } from '../../base-command.js'
import { sellerReasonFlag, storeArgs } from '../../flags.js'

export default class StoresSuspend extends KlosetCommand {
  static override summary = 'Suspend an approved store: its products leave the catalog'
  static override examples = [
    '<%= config.bin %> stores suspend ankara-house --reason "counterfeit goods reported"',
  ]
  static override args = storeArgs
  static override flags = { reason: sellerReasonFlag }

  async run(): Promise<{ store: StoreDTO }> {
    const { args, flags } = await this.parse(StoresSuspend)
    const input = this.validate(storeReasonBody, { reason: flags.reason })
    const core = await this.core()
    const store = await core.stores.suspend(this.ctx, args.store, input)
    this.say(`Suspended ${store.name} (${store.slug}).`)
    return { store }
  }
}
