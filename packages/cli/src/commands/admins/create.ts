import { createAdminBody, type UserDTO, ValidationError } from '@kloset/core'
import { Flags } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'
import { canPrompt, promptNewPassword, readStdin } from '../../prompt.js'

export default class AdminsCreate extends KlosetCommand {
  static override summary = 'Create an administrator account (verified at once)'
  static override description =
    'The password is asked for at the terminal, or read from standard input with --password-stdin. It is never taken from a flag, where it would land in shell history and process lists.'
  static override examples = [
    '<%= config.bin %> admins create --email ada@example.com --name "Ada"',
    'printf "%s" "$PASSWORD" | <%= config.bin %> admins create --email ada@example.com --name Ada --password-stdin --json',
  ]

  static override flags = {
    email: Flags.string({ required: true }),
    name: Flags.string({ required: true }),
    'password-stdin': Flags.boolean({ summary: 'Read the password from standard input' }),
  }

  async run(): Promise<{ user: UserDTO }> {
    const { flags } = await this.parse(AdminsCreate)
    let password: string
    if (flags['password-stdin']) {
      password = await readStdin()
    } else if (canPrompt() && !this.jsonEnabled()) {
      password = await promptNewPassword()
    } else {
      throw new ValidationError(
        'No terminal to ask for a password: pipe it in with --password-stdin',
      )
    }
    const input = this.validate(createAdminBody, { email: flags.email, name: flags.name, password })
    const core = await this.core()
    const user = await core.accounts.createAdmin(this.ctx, input)
    this.say(`Created administrator ${user.email} (${user.id}).`)
    return { user }
  }
}
