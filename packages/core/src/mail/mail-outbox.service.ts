import type { AuditService } from '../audit/audit.service.js'
import type { Ctx } from '../shared/ctx.js'
import { requireRole } from '../shared/ctx.js'
import { InvalidStateError, NotFoundError } from '../shared/errors.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import type { MailOutboxDoc, MailOutboxModel, OutboxStatus } from './mail-outbox.model.js'
import type { ListOutboxQuery } from './mail-outbox.schemas.js'

/** A queued mail as administrators see it: never its body, which can hold sign-in links. */
export interface OutboxMailDTO {
  id: string
  to: string
  subject: string
  status: OutboxStatus
  attempts: number
  nextAttemptAt: string
  lastError?: string
  createdAt: string
}

/**
 * The administrators' view of the mail outbox (docs/operations.md, "Mail backlog"): what is
 * waiting or failed and why, and a retry that puts a failed mail back in the queue for the
 * `deliver-mail` job (it runs every minute).
 */
export class MailOutboxService {
  constructor(private deps: { outbox: MailOutboxModel; audit: AuditService }) {}

  async list(ctx: Ctx, query: ListOutboxQuery): Promise<Page<OutboxMailDTO>> {
    requireRole(ctx, 'admin')
    const filter: Record<string, unknown> = { status: query.status, ...afterIdCursor(query.cursor) }
    const rows = await this.deps.outbox
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toOutboxMailDTO, idCursorOf)
  }

  /**
   * Queues a failed mail again with a fresh set of attempts, due now.
   * @throws NotFoundError for no such mail, InvalidStateError unless it is `failed`.
   */
  async retry(ctx: Ctx, id: string): Promise<OutboxMailDTO> {
    requireRole(ctx, 'admin')
    if (!/^[0-9a-f]{24}$/.test(id)) throw new NotFoundError('Mail', 'mail_not_found')
    const updated = await this.deps.outbox
      .findOneAndUpdate(
        { _id: id, status: 'failed' },
        { $set: { status: 'pending', attempts: 0, nextAttemptAt: ctx.now } },
        { returnDocument: 'after' },
      )
      .lean()
    if (!updated) {
      const exists = await this.deps.outbox.exists({ _id: id })
      if (!exists) throw new NotFoundError('Mail', 'mail_not_found')
      throw new InvalidStateError('Only a failed mail can be retried', 'mail_not_failed')
    }
    await this.deps.audit.record(ctx, 'mail.retried', { type: 'mail', id })
    return toOutboxMailDTO(updated)
  }
}

function toOutboxMailDTO(row: MailOutboxDoc): OutboxMailDTO {
  return {
    id: String(row._id),
    to: row.to,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    ...(row.lastError ? { lastError: row.lastError } : {}),
    createdAt: row.createdAt.toISOString(),
  }
}
