import { type StoreDTO, storeDecisionBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class StoresApprove extends KlosetCommand {
  static override summary = 'Approve a pending store'
  static override args = { store: Args.string({ required: true, description: 'store id or slug' }) }
  static override flags = { reason: Flags.string({ summary: 'Optional note for the audit log' }) }

  async run(): Promise<{ store: StoreDTO }> {
    const { args, flags } = await this.parse(StoresApprove)
    const input = this.validate(storeDecisionBody, flags.reason ? { reason: flags.reason } : {})
    const core = await this.core()
    const store = await core.stores.approve(this.ctx, args.store, input)
    this.say(`Approved ${store.name} (${store.slug}).`)
    return { store }
  }
}
