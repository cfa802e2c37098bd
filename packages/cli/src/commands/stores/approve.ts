import { type StoreDTO, storeDecisionBody } from '@kloset/core'
import { KlosetCommand } from '../../base-command.js'
import { noteFlag, optionalReason, storeArgs } from '../../flags.js'

export default class StoresApprove extends KlosetCommand {
  static override summary = 'Approve a pending store'
  static override examples = [
    '<%= config.bin %> stores approve ankara-house',
    '<%= config.bin %> stores approve 0123456789abcdef01234567 --reason "documents checked" --json',
  ]
  static override args = storeArgs
  static override flags = { reason: noteFlag }

  async run(): Promise<{ store: StoreDTO }> {
    const { args, flags } = await this.parse(StoresApprove)
    const input = this.validate(storeDecisionBody, optionalReason(flags.reason))
    const core = await this.core()
    const store = await core.stores.approve(this.ctx, args.store, input)
    this.say(`Approved ${store.name} (${store.slug}).`)
    return { store }
  }
}
