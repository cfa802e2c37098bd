import type { Mailer } from '../adapters/mailer.js'
import type { Logger } from '../shared/logger.js'
import type { RenderedMail } from './templates.js'

/** Sends rendered mail; a failed send is logged and never undoes the business action. */
export class MailService {
  constructor(private deps: { mailer: Mailer; logger: Logger }) {}

  async send(to: string, mail: RenderedMail): Promise<void> {
    try {
      await this.deps.mailer.send({ to, ...mail })
    } catch (error) {
      this.deps.logger.error({ err: error, to, subject: mail.subject }, 'mail send failed')
    }
  }
}
