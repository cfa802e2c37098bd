import type { UserDTO } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { renderRecord, statusColour } from '../../table.js'

export default class UsersShow extends KlosetCommand {
  static override summary = 'Show one user by id or email'
  static override examples = [
    '<%= config.bin %> users show ada@example.com',
    '<%= config.bin %> users show 0123456789abcdef01234567 --json',
  ]
  static override args = { user: Args.string({ required: true, description: 'user id or email' }) }

  async run(): Promise<{ user: UserDTO }> {
    const { args } = await this.parse(UsersShow)
    const core = await this.core()
    const user = await core.users.get(this.ctx, args.user)
    this.say(renderRecord({ ...user, status: statusColour(user.status) }))
    return { user }
  }
}
