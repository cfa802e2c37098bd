import type { CapturedMail } from '@kloset/core'
import { Args } from '@oclif/core'
import chalk from 'chalk'
import { KlosetCommand } from '../../base-command.js'

export default class MailShow extends KlosetCommand {
  static override summary = 'Show one captured mail, with its links'
  static override examples = [
    '<%= config.bin %> mail show 3f2a',
    '<%= config.bin %> mail show 3f2a9c --json',
  ]
  static override args = {
    id: Args.string({ required: true, description: 'mail id (or a unique prefix)' }),
  }

  async run(): Promise<{ mail: CapturedMail }> {
    const { args } = await this.parse(MailShow)
    const core = await this.core()
    const mail = await core.mailbox.show(this.ctx, args.id)
    this.say(
      `${chalk.bold('From:')} ${mail.from}\n${chalk.bold('To:')} ${mail.to}\n${chalk.bold('Date:')} ${mail.date}`,
    )
    this.say(`${chalk.bold('Subject:')} ${mail.subject}\n\n${mail.text}`)
    if (mail.links.length)
      this.say(`${chalk.bold('Links:')}\n${mail.links.map((l) => `  ${l}`).join('\n')}`)
    return { mail }
  }
}
