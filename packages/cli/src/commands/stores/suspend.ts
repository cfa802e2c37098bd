import { type StoreDTO, storeReasonBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class StoresSuspend extends KlosetCommand {
  static override summary = 'Suspend an approved store: its products leave the catalog'
  static override args = { store: Args.string({ required: true, description: 'store id or slug' }) }
  static override flags = {
    reason: Flags.string({
      required: true,
      summary: 'Why (kept in the audit log and emailed to the seller)',
    }),
  }

  async run(): Promise<{ store: StoreDTO }> {
    const { args, flags } = await this.parse(StoresSuspend)
    const input = this.validate(storeReasonBody, { reason: flags.reason })
    const core = await this.core()
    const store = await core.stores.suspend(this.ctx, args.store, input)
    this.say(`Suspended ${store.name} (${store.slug}).`)
    return { store }
  }
}
