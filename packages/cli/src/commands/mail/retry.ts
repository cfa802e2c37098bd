import type { OutboxMailDTO } from '@kloset/core'
import { Args } from '@oclif/core'
import { KlosetCommand } from '../../base-command.js'

export default class MailRetry extends KlosetCommand {
  static override summary =
    'Queue a failed mail again; the deliver-mail job sends it within a minute'
  static override examples = ['<%= config.bin %> mail retry 6751c0ffee0000000000abcd']
  static override args = {
    id: Args.string({
      required: true,
      description: 'The mail id, as `kloset mail outbox` lists it',
    }),
  }

  async run(): Promise<{ mail: OutboxMailDTO }> {
    const { args } = await this.parse(MailRetry)
    const core = await this.core()
    const mail = await core.mailOutbox.retry(this.ctx, args.id)
    this.say(`Queued again: ${mail.subject} to ${mail.to}.`)
    return { mail }
  }
}
