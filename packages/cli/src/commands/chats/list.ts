import { type AdminConversationDTO, adminConversationsQuery, type Page } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable } from '../../table.js'

export default class ChatsList extends KlosetCommand {
  static override summary = 'Conversations under review (reported or flagged), newest first'
  static override description =
    'Only conversations a party reported or moderation flagged are listed; there is no way to browse the others. No message text is shown: `kloset chats show` reads one (audit-logged).'
  static override examples = [
    '<%= config.bin %> chats list --reported',
    '<%= config.bin %> chats list --flagged --state all --json',
  ]

  static override flags = {
    reported: Flags.boolean({ summary: 'Only conversations a party reported' }),
    flagged: Flags.boolean({
      summary: 'Only conversations where moderation blocked a payment diversion',
    }),
    state: Flags.string({
      options: ['open', 'resolved', 'all'],
      default: 'open',
      summary: 'Review state',
    }),
    ...pageFlags,
  }

  async run(): Promise<Page<AdminConversationDTO>> {
    const { flags } = await this.parse(ChatsList)
    const { reported, flagged, ...rest } = flags
    const filter = reported && !flagged ? 'reported' : flagged && !reported ? 'flagged' : 'any'
    const query = this.validate(adminConversationsQuery, { ...rest, filter })
    const core = await this.core()
    const page = await core.chat.adminList(this.ctx, query)
    this.say(
      renderTable(
        ['id', 'state', 'reports', 'flags', 'buyer', 'store', 'about', 'last activity'],
        page.items.map((c) => [
          c.id,
          c.review.state,
          String(c.review.reports.length),
          String(c.review.flagCount),
          c.buyerId,
          c.storeId,
          `${c.context.kind}: ${c.context.label}`,
          c.lastActivityAt.slice(0, 19).replace('T', ' '),
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
