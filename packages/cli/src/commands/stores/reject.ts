import { type StoreDTO, storeReasonBody } from '@kloset/core'
import { KlosetCommand } from '../../base-command.js'
import { sellerReasonFlag, storeArgs } from '../../flags.js'

export default class StoresReject extends KlosetCommand {
  static override summary = 'Reject a pending store; the seller may edit and resubmit'
  static override examples = [
    '<%= config.bin %> stores reject ankara-house --reason "the address could not be verified"',
  ]
  static override args = storeArgs
  static override flags = { reason: sellerReasonFlag }

  async run(): Promise<{ store: StoreDTO }> {
    const { args, flags } = await this.parse(StoresReject)
    const input = this.validate(storeReasonBody, { reason: flags.reason })
    const core = await this.core()
    const store = await core.stores.reject(this.ctx, args.store, input)
    this.say(`Rejected ${store.name} (${store.slug}).`)
    return { store }
  }
}
