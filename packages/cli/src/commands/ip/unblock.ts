import type { IpBlockDTO } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class IpUnblock extends KlosetCommand {
  static override summary = 'Lift a block, by its range (as blocked) or its id'
  static override examples = ['<%= config.bin %> ip unblock 203.0.113.0/24 --reason "false alarm"']
  static override args = {
    block: Args.string({ required: true, description: 'The blocked range, or the block id' }),
  }
  static override flags = {
    reason: Flags.string({ summary: 'Why (kept in the audit log)' }),
  }

  async run(): Promise<{ block: IpBlockDTO }> {
    const { args, flags } = await this.parse(IpUnblock)
    const core = await this.core()
    const block = await core.ipBlocks.unblock(this.ctx, args.block, flags.reason)
    this.say(`Unblocked ${block.cidr}.`)
    return { block }
  }
}
