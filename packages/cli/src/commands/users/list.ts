import { listUsersQuery, type Page, USER_STATUSES, type UserDTO } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { renderTable, statusColour } from '../../table.js'

export default class UsersList extends KlosetCommand {
  static override summary = 'List users, newest first'
  static override examples = [
    '<%= config.bin %> users list --role seller --status active',
    '<%= config.bin %> users list --json',
  ]

  static override flags = {
    role: Flags.string({ options: ['buyer', 'seller', 'admin'], summary: 'Only this role' }),
    status: Flags.string({ options: [...USER_STATUSES], summary: 'Only this status' }),
    ...pageFlags,
  }

  async run(): Promise<Page<UserDTO>> {
    const { flags } = await this.parse(UsersList)
    const query = this.validate(listUsersQuery, flags)
    const core = await this.core()
    const page = await core.users.list(this.ctx, query)
    this.say(
      renderTable(
        ['id', 'email', 'name', 'role', 'status', 'created'],
        page.items.map((u) => [
          u.id,
          u.email,
          u.name,
          u.role,
          statusColour(u.status),
          u.createdAt.slice(0, 10),
        ]),
      ),
    )
    this.sayNextPage(page)
    return page
  }
}
