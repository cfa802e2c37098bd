import { type ReconcileItemDTO, resolveReconcileItemBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class ReconcileResolve extends KlosetCommand {
  static override summary = 'Resolve an open reconcile item, saying what was done about it'
  static override description =
    'Nothing is repaired by this command: make the correction first (a refund, a ledger adjustment), then record it here. Audit-logged as reconcile.item_resolved.'
  static override examples = [
    '<%= config.bin %> reconcile resolve 6750a1f2c3d4e5f6a7b8c9d0 --reason "Refunded the stray charge in the Paystack dashboard"',
  ]
  static override args = { id: Args.string({ required: true, description: 'item id' }) }
  static override flags = {
    reason: Flags.string({ required: true, summary: 'What was done (audit log)' }),
  }

  async run(): Promise<{ item: ReconcileItemDTO }> {
    const { args, flags } = await this.parse(ReconcileResolve)
    const input = this.validate(resolveReconcileItemBody, { reason: flags.reason })
    const core = await this.core()
    const item = await core.reconcile.resolveItem(this.ctx, args.id, input)
    this.say(`Resolved item ${item.id} (${item.kind} on ${item.subject}).`)
    return { item }
  }
}
