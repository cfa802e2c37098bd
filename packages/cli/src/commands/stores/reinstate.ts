import { type StoreDTO, storeDecisionBody } from '@kloset/core'
import { KlosetCommand } from '../../base-command.js'
import { noteFlag, optionalReason, storeArgs } from '../../flags.js'

export default class StoresReinstate extends KlosetCommand {
  static override summary = 'Lift the suspension of a store'
  static override examples = [
    '<%= config.bin %> stores reinstate ankara-house --reason "appeal accepted"',
  ]
  static override args = storeArgs
  static override flags = { reason: noteFlag }

  async run(): Promise<{ store: StoreDTO }> {
    const { args, flags } = await this.parse(StoresReinstate)
    const input = this.validate(storeDecisionBody, optionalReason(flags.reason))
    const core = await this.core()
    const store = await core.stores.reinstate(this.ctx, args.store, input)
    this.say(`Reinstated ${store.name} (${store.slug}).`)
    return { store }
  }
}
