import type { ReconcileItemDTO } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class ReconcileShow extends KlosetCommand {
  static override summary = 'Show one reconcile item'
  static override examples = ['<%= config.bin %> reconcile show 6750a1f2c3d4e5f6a7b8c9d0']
  static override args = { id: Args.string({ required: true, description: 'item id' }) }

  async run(): Promise<{ item: ReconcileItemDTO }> {
    const { args } = await this.parse(ReconcileShow)
    const core = await this.core()
    const item = await core.reconcile.getItem(this.ctx, args.id)
    this.say(`Item ${item.id}: ${item.kind} on ${item.subject}, ${item.status}`)
    this.say(item.message)
    if (item.expected !== undefined || item.actual !== undefined) {
      this.say(`expected ${item.expected ?? '-'}, actual ${item.actual ?? '-'} (minor units)`)
    }
    this.say(
      `First seen ${item.firstSeenAt}, last seen ${item.lastSeenAt} (run of ${item.date}), ${item.timesSeen} time(s)`,
    )
    if (item.clearedAt) this.say(`Auto-cleared ${item.clearedAt}: a later run no longer found it`)
    if (item.resolvedAt) {
      this.say(`Resolved ${item.resolvedAt} by ${item.resolvedBy}: ${item.resolution}`)
    }
    return { item }
  }
}
