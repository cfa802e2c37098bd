import { blockIpBody, type IpBlockDTO } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class IpBlock extends KlosetCommand {
  static override summary = 'Block an IPv4/IPv6 address or CIDR range (HTTP and WebSocket)'
  static override description =
    'Every instance refuses it within 5 seconds (403 ip_blocked); the block is audit-logged.'
  static override examples = [
    '<%= config.bin %> ip block 203.0.113.0/24 --reason "credential stuffing"',
    '<%= config.bin %> ip block 2001:db8::/32 --reason "scraping" --expires-in 1440',
  ]
  static override args = {
    cidr: Args.string({
      required: true,
      description: 'An address, or a range like 203.0.113.0/24',
    }),
  }
  static override flags = {
    reason: Flags.string({
      required: true,
      summary: 'Why (kept with the block and in the audit log)',
    }),
    'expires-in': Flags.integer({ summary: 'Minutes until the block lapses (default: never)' }),
  }

  async run(): Promise<{ block: IpBlockDTO }> {
    const { args, flags } = await this.parse(IpBlock)
    const input = this.validate(blockIpBody, {
      cidr: args.cidr,
      reason: flags.reason,
      ...(flags['expires-in'] === undefined ? {} : { expiresInMinutes: flags['expires-in'] }),
    })
    const core = await this.core()
    const block = await core.ipBlocks.block(this.ctx, input)
    this.say(
      `Blocked ${block.cidr}${block.expiresAt ? ` until ${block.expiresAt}` : ''} (${block.id}).`,
    )
    return { block }
  }
}
