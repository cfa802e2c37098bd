import { listOutboxQuery, type OutboxMailDTO, type Page } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable } from '../../table.js'

export default class MailOutbox extends KlosetCommand {
  static override summary = 'Mail waiting in the outbox, by status (default: failed)'
  static override examples = [
    '<%= config.bin %> mail outbox',
    '<%= config.bin %> mail outbox --status pending --json',
  ]
  static override flags = {
    status: Flags.string({ options: ['failed', 'pending', 'sending'], default: 'failed' }),
    ...pageFlags,
  }

  async run(): Promise<Page<OutboxMailDTO>> {
    const { flags } = await this.parse(MailOutbox)
    const query = this.validate(listOutboxQuery, flags)
    const core = await this.core()
    const page = await core.mailOutbox.list(this.ctx, query)
    this.say(
      renderTable(
        ['id', 'created', 'to', 'subject', 'attempts', 'last error'],
        page.items.map((m) => [
          m.id,
          m.createdAt.slice(0, 19).replace('T', ' '),
          m.to,
          m.subject,
          String(m.attempts),
          m.lastError ?? '',
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
