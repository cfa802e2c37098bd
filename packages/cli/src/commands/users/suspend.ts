import { reasonBody, type UserDTO } from '@kloset/core'
import { Args, Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class UsersSuspend extends KlosetCommand {
  static override summary = 'Suspend a user: sign-in and existing sessions stop at once'
  static override examples = [
    '<%= config.bin %> users suspend ada@example.com --reason "chargeback fraud"',
  ]
  static override args = { user: Args.string({ required: true, description: 'user id or email' }) }
  static override flags = {
    reason: Flags.string({ required: true, summary: 'Why (kept in the audit log and emailed)' }),
  }

  async run(): Promise<{ user: UserDTO }> {
    const { args, flags } = await this.parse(UsersSuspend)
    const input = this.validate(reasonBody, { reason: flags.reason })
    const core = await this.core()
    const user = await core.users.suspend(this.ctx, args.user, input)
    this.say(`Suspended ${user.email}.`)
    return { user }
  }
}
