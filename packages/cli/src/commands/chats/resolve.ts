import { type AdminConversationDTO, resolveConversationBody } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class ChatsResolve extends KlosetCommand {
  static override summary = "Close a conversation's review with a resolution and a note"
  static override examples = [
    '<%= config.bin %> chats resolve <conversation id> --resolution warned --note "asked the seller to keep payments on the platform"',
  ]

  static override args = {
    id: Args.string({ required: true, description: 'conversation id' }),
  }

  static override flags = {
    resolution: Flags.string({
      required: true,
      options: ['no_action', 'warned', 'suspended'],
      summary: 'What was done (suspending the account itself is `kloset users suspend`)',
    }),
    note: Flags.string({ required: true, summary: 'Why (kept in the audit log)' }),
  }

  async run(): Promise<{ conversation: AdminConversationDTO }> {
    const { args, flags } = await this.parse(ChatsResolve)
    const input = this.validate(resolveConversationBody, {
      resolution: flags.resolution,
      note: flags.note,
    })
    const core = await this.core()
    const conversation = await core.chat.adminResolve(this.ctx, args.id, input)
    this.say(`Resolved conversation ${conversation.id}: ${input.resolution}.`)
    return { conversation }
  }
}
