import { type StoreDTO, storeReasonBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class StoresReject extends KlosetCommand {
  static override summary = 'Reject a pending store; the seller may edit and resubmit'
  static override args = { store: Args.string({ required: true, description: 'store id or slug' }) }
  static override flags = {
    reason: Flags.string({
      required: true,
      summary: 'Why (kept in the audit log and emailed to the seller)',
    }),
  }

  async run(): Promise<{ store: StoreDTO }> {
    const { args, flags } = await this.parse(StoresReject)
    const input = this.validate(storeReasonBody, { reason: flags.reason })
    const core = await this.core()
    const store = await core.stores.reject(this.ctx, args.store, input)
    this.say(`Rejected ${store.name} (${store.slug}).`)
    return { store }
  }
}
