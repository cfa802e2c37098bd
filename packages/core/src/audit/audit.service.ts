import { op } from '../db/query.js'
import { actorId, type Ctx, describeActor, requireRole } from '../shared/ctx.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import type { AuditEntryDoc, AuditModel } from './audit.model.js'
import { type ListAuditQueryInput, listAuditQuery } from './audit.schemas.js'

export interface AuditEntryDTO {
  id: string
  at: string
  actor: string
  action: string
  target: { type: string; id: string }
  reason?: string
  details?: Record<string, unknown>
}

/** The audit log: append-only, written by the services that act, read by administrators. */
export class AuditService {
  constructor(private deps: { audit: AuditModel }) {}

  async record(
    ctx: Ctx,
    action: string,
    target: { type: string; id: string },
    extra: { reason?: string; details?: Record<string, unknown> } = {},
  ): Promise<void> {
    const id = actorId(ctx)
    await this.deps.audit.create({
      at: ctx.now,
      actor: { kind: ctx.actor.kind, ...(id ? { id } : {}), label: describeActor(ctx.actor) },
      action,
      target,
      ...extra,
      requestId: ctx.requestId,
    })
  }

  async listFor(
    ctx: Ctx,
    target: { type: string; id: string },
    limit = 50,
  ): Promise<AuditEntryDTO[]> {
    requireRole(ctx, 'admin')
    const rows = await this.deps.audit
      .find({ 'target.type': target.type, 'target.id': target.id })
      .sort({ at: -1, _id: -1 })
      .limit(limit)
      .lean()
    return rows.map(toAuditEntryDTO)
  }

  /**
   * The whole log, newest first, filtered by actor, action, target and time, a page at a time
   * (20 entries when no `limit` is given). @throws ValidationError for an invalid filter.
   */
  async list(ctx: Ctx, input: ListAuditQueryInput): Promise<Page<AuditEntryDTO>> {
    requireRole(ctx, 'admin')
    const query = validateInput(listAuditQuery, input)
    const filter: Record<string, unknown> = { ...afterIdCursor(query.cursor) }
    if (query.actor) {
      filter.$or = [{ 'actor.id': query.actor }, { 'actor.label': query.actor }]
    }
    if (query.action) filter.action = query.action
    if (query.targetType) filter['target.type'] = query.targetType
    if (query.targetId) filter['target.id'] = query.targetId
    if (query.since) filter.at = op({ $gte: query.since })
    const rows = await this.deps.audit
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toAuditEntryDTO, idCursorOf)
  }
}

function toAuditEntryDTO(row: AuditEntryDoc): AuditEntryDTO {
  return {
    id: String(row._id),
    at: row.at.toISOString(),
    actor: row.actor.label,
    action: row.action,
    target: row.target,
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.details ? { details: row.details } : {}),
  }
}
