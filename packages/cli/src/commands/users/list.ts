import { listUsersQuery, type Page, USER_STATUSES, type UserDTO } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { pageFlags } from '../../flags.js'
import { type Column, listOutputFlags, renderList } from '../../list-output.js'
import { statusColour } from '../../table.js'

const columns: Column<UserDTO>[] = [
  { name: 'id', value: (u) => u.id },
  { name: 'email', value: (u) => u.email },
  { name: 'name', value: (u) => u.name },
  { name: 'role', value: (u) => u.role },
  { name: 'status', value: (u) => u.status, show: (u) => statusColour(u.status) },
  { name: 'created', value: (u) => u.createdAt.slice(0, 10) },
]

export default class UsersList extends KlosetCommand {
  static override summary = 'List users, newest first'
  static override examples = [
    '<%= config.bin %> users list --role seller --status active',
    '<%= config.bin %> users list --json',
    '<%= config.bin %> users list --columns email,role,created --sort email --csv > users.csv',
  ]

  static override flags = {
    role: Flags.string({ options: ['buyer', 'seller', 'admin'], summary: 'Only this role' }),
    status: Flags.string({ options: [...USER_STATUSES], summary: 'Only this status' }),
    ...pageFlags,
    ...listOutputFlags,
  }

  async run(): Promise<Page<UserDTO>> {
    const { flags } = await this.parse(UsersList)
    const { columns: chosen, sort, csv, ...filters } = flags
    const query = this.validate(listUsersQuery, filters)
    const core = await this.core()
    const page = await core.users.list(this.ctx, query)
    this.sayList(renderList(page.items, columns, { columns: chosen, sort, csv }), csv, page)
    return page
  }
}
