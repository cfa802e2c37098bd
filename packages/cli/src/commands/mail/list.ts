import type { CapturedMailSummary } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderTable } from '../../table.js'

export default class MailList extends KlosetCommand {
  static override summary = 'List mail captured locally (when no SMTP_URL is set), newest first'
  static override examples = [
    '<%= config.bin %> mail list',
    '<%= config.bin %> mail list --to ada@example.com --limit 5',
  ]
  static override flags = {
    to: Flags.string({ summary: 'Only mail to this address' }),
    limit: Flags.integer({ default: 20, min: 1, max: 200 }),
  }

  async run(): Promise<{ items: CapturedMailSummary[] }> {
    const { flags } = await this.parse(MailList)
    const core = await this.core()
    const items = await core.mailbox.list(this.ctx, {
      limit: flags.limit,
      ...(flags.to ? { to: flags.to } : {}),
    })
    this.say(
      renderTable(
        ['id', 'date', 'to', 'subject'],
        items.map((m) => [m.id, m.date.slice(0, 19), m.to, m.subject]),
      ),
    )
    if (items.length === 0)
      this.say('No captured mail. (With SMTP_URL set, mail goes to that server instead.)')
    return { items }
  }
}
