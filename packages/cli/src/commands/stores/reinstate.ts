import { type StoreDTO, storeDecisionBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class StoresReinstate extends KlosetCommand {
  static override summary = 'Lift the suspension of a store'
  static override args = { store: Args.string({ required: true, description: 'store id or slug' }) }
  static override flags = { reason: Flags.string({ summary: 'Optional note for the audit log' }) }

  async run(): Promise<{ store: StoreDTO }> {
    const { args, flags } = await this.parse(StoresReinstate)
    const input = this.validate(storeDecisionBody, flags.reason ? { reason: flags.reason } : {})
    const core = await this.core()
    const store = await core.stores.reinstate(this.ctx, args.store, input)
    this.say(`Reinstated ${store.name} (${store.slug}).`)
    return { store }
  }
}
