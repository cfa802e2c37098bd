import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { type Ctx, requireRole } from '../shared/ctx.js'
import { NotFoundError } from '../shared/errors.js'

export interface CapturedMailSummary {
  id: string
  to: string
  subject: string
  date: string
}

export interface CapturedMail extends CapturedMailSummary {
  from: string
  text: string
  /** Links found in the message, so a newcomer can copy a verification link. */
  links: string[]
}

/** Reads the mail captured locally when no SMTP server is configured (`kloset mail list`). */
export class MailboxService {
  constructor(private deps: { directory: string }) {}

  private async files(): Promise<string[]> {
    const names = await readdir(this.deps.directory).catch(() => [] as string[])
    return names.filter((n) => n.endsWith('.eml')).sort()
  }

  private async parse(id: string): Promise<CapturedMail> {
    const raw = await readFile(join(this.deps.directory, `${id}.eml`))
    const mail = await simpleParser(raw)
    const text = mail.text ?? ''
    const to = Array.isArray(mail.to)
      ? mail.to.map((a) => a.text).join(', ')
      : (mail.to?.text ?? '')
    return {
      id,
      to,
      from: mail.from?.text ?? '',
      subject: mail.subject ?? '',
      date: (mail.date ?? new Date(0)).toISOString(),
      text,
      links: [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])],
    }
  }

  /** Newest first. */
  async list(
    ctx: Ctx,
    options: { limit?: number; to?: string } = {},
  ): Promise<CapturedMailSummary[]> {
    requireRole(ctx, 'admin')
    const ids = (await this.files()).reverse().map((n) => n.slice(0, -4))
    const out: CapturedMailSummary[] = []
    for (const id of ids) {
      if (out.length >= (options.limit ?? 20)) break
      const { text: _text, links: _links, from: _from, ...summary } = await this.parse(id)
      if (options.to && !summary.to.toLowerCase().includes(options.to.toLowerCase())) continue
      out.push(summary)
    }
    return out
  }

  /** @throws NotFoundError for an unknown id. */
  async show(ctx: Ctx, id: string): Promise<CapturedMail> {
    requireRole(ctx, 'admin')
    const ids = (await this.files()).map((n) => n.slice(0, -4))
    // Accept a unique prefix, as people type them from the list.
    const match = ids.filter((candidate) => candidate === id || candidate.startsWith(id))
    if (match.length !== 1 || !/^[\w-]+$/.test(id)) throw new NotFoundError('Mail')
    return this.parse(match[0]!)
  }
}
