import { optionalReasonBody, type UserDTO } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { noteFlag, optionalReason } from '../../flags.js'

export default class UsersReinstate extends KlosetCommand {
  static override summary = 'Lift a suspension'
  static override examples = [
    '<%= config.bin %> users reinstate ada@example.com --reason "identity confirmed"',
  ]
  static override args = { user: Args.string({ required: true, description: 'user id or email' }) }
  static override flags = { reason: noteFlag }

  async run(): Promise<{ user: UserDTO }> {
    const { args, flags } = await this.parse(UsersReinstate)
    const input = this.validate(optionalReasonBody, optionalReason(flags.reason))
    const core = await this.core()
    const user = await core.users.reinstate(this.ctx, args.user, input)
    this.say(`Reinstated ${user.email} (${user.status}).`)
    return { user }
  }
}
