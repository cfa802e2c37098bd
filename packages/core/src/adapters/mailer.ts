import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer, { type Transporter } from 'nodemailer'
import { newId } from '../shared/ids.js'

export interface OutgoingMail {
  to: string
  subject: string
  text: string
  html: string
}

/** The mail port: SMTP in production and tests, a local capture directory by default. */
export interface Mailer {
  readonly kind: 'smtp' | 'capture'
  send(mail: OutgoingMail): Promise<{ messageId: string }>
  close(): void
}

/** Sends through any SMTP server given as `smtp://user:pass@host:port` or `smtps://...`. */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const
  private transport: Transporter

  constructor(
    smtpUrl: string,
    private from: string,
  ) {
    // Short timeouts: a send holds an outbox lease (2 minutes), and a hung server must fail the
    // attempt (to be retried) well within it. nodemailer's defaults wait up to 10 minutes.
    this.transport = nodemailer.createTransport({
      url: smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    })
  }

  async send(mail: OutgoingMail) {
    const info = await this.transport.sendMail({ from: this.from, ...mail })
    return { messageId: String(info.messageId) }
  }

  close() {
    this.transport.close()
  }
}

/**
 * Writes each message as an RFC 822 `.eml` file under the mail directory, so a newcomer can read
 * verification links with `kloset mail list` without any mail server.
 */
export class CaptureMailer implements Mailer {
  readonly kind = 'capture' as const
  private transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  })

  constructor(
    readonly directory: string,
    private from: string,
  ) {}

  async send(mail: OutgoingMail) {
    const info = await this.transport.sendMail({ from: this.from, ...mail })
    await mkdir(this.directory, { recursive: true })
    const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${newId().slice(-8)}`
    await writeFile(join(this.directory, `${id}.eml`), info.message as Buffer)
    return { messageId: id }
  }

  close() {}
}
