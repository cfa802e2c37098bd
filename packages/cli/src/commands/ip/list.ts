import type { IpBlockDTO } from '@kloset/core'
import { KlosetCommand } from '../../base-command.js'
import { renderTable } from '../../table.js'

export default class IpList extends KlosetCommand {
  static override summary = 'The address and range blocks in force, newest first'
  static override examples = ['<%= config.bin %> ip list', '<%= config.bin %> ip list --json']

  async run(): Promise<{ items: IpBlockDTO[] }> {
    await this.parse(IpList)
    const core = await this.core()
    const result = await core.ipBlocks.list(this.ctx)
    this.say(
      renderTable(
        ['id', 'range', 'reason', 'by', 'since', 'until'],
        result.items.map((b) => [
          b.id,
          b.cidr,
          b.reason,
          b.createdBy,
          b.createdAt.slice(0, 19).replace('T', ' '),
          b.expiresAt ? b.expiresAt.slice(0, 19).replace('T', ' ') : 'until unblocked',
        ]),
      ),
    )
    if (result.items.length === 0) this.say('No blocks in force.')
    return result
  }
}
