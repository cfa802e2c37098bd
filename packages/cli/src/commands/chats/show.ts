import {
  type AdminConversationDTO,
  type AdminMessageDTO,
  listMessagesQuery,
  type Page,
} from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable } from '../../table.js'

export default class ChatsShow extends KlosetCommand {
  static override summary = 'Read a reported or flagged conversation (the read is audit-logged)'
  static override description =
    'Messages newest first, blocked attempts and the original text of redacted messages included. Conversations nobody reported or flagged answer not_found.'
  static override examples = [
    '<%= config.bin %> chats show <conversation id>',
    '<%= config.bin %> chats show <conversation id> --since 40 --json',
  ]

  static override args = {
    id: Args.string({ required: true, description: 'conversation id' }),
  }

  static override flags = {
    since: Flags.integer({ min: 0, summary: 'Only messages after this sequence' }),
    ...pageFlags,
  }

  async run(): Promise<{ conversation: AdminConversationDTO; messages: Page<AdminMessageDTO> }> {
    const { args, flags } = await this.parse(ChatsShow)
    const query = this.validate(listMessagesQuery, flags)
    const core = await this.core()
    const shown = await core.chat.adminShow(this.ctx, args.id, query)
    const { conversation: c, messages } = shown
    this.say(
      `Conversation ${c.id} (${c.review.state}): buyer ${c.buyerId}, store ${c.storeId}, about ${c.context.kind} "${c.context.label}"`,
    )
    for (const report of c.review.reports)
      this.say(`  reported by ${report.role} ${report.by} at ${report.at}: ${report.reason}`)
    if (c.review.flagCount > 0) this.say(`  ${c.review.flagCount} blocked message(s)`)
    this.say(
      renderTable(
        ['seq', 'at', 'from', 'state', 'text', 'moderation'],
        messages.items.map((m) => [
          m.seq === null ? '-' : String(m.seq),
          m.createdAt.slice(0, 19).replace('T', ' '),
          m.senderRole,
          m.state,
          m.original ?? m.body,
          m.moderation ? `${m.moderation.action}: ${m.moderation.reasons.join(', ')}` : '',
        ]),
      ),
    )
    this.sayNextPage(messages)
    return shown
  }
}
