import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import { type Ctx, describeActor, requireRole } from '../shared/ctx.js'
import { InvalidStateError, NotFoundError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import {
  type ListReconcileItemsQuery,
  listReconcileItemsQuery,
  type ReconcileItemStatus,
  type ResolveReconcileItemBody,
  resolveReconcileItemBody,
} from './reconcile.schemas.js'
import type { ReconcileItemDoc, ReconcileItemModel } from './reconcile-item.model.js'

/** A mismatch as a run reports it (reconcile.service.ts). */
export interface FoundMismatch {
  kind: string
  subject: string
  message: string
  expected?: number
  actual?: number
}

export interface ReconcileItemDTO {
  id: string
  kind: string
  subject: string
  message: string
  expected?: number
  actual?: number
  status: ReconcileItemStatus
  /** The UTC day of the run that last saw it. */
  date: string
  firstSeenAt: string
  lastSeenAt: string
  timesSeen: number
  clearedAt?: string
  resolvedAt?: string
  /** Who resolved it (`admin:<id>`, `admin-cli:<id>(<os user>)`). */
  resolvedBy?: string
  resolution?: string
}

/** What one run did to the stored items. */
export interface RecordedRun {
  /** Items opened by this run (new, or seen again after being auto-cleared): admins are told. */
  opened: string[]
  /** Open items this run no longer found. */
  autoCleared: number
}

const isDuplicateKey = (error: unknown) => (error as { code?: unknown }).code === 11000
const keyOf = (m: { kind: string; subject: string }) => `${m.kind}:${m.subject}`

export function toReconcileItemDTO(doc: ReconcileItemDoc): ReconcileItemDTO {
  return {
    id: String(doc._id),
    kind: doc.kind,
    subject: doc.subject,
    message: doc.message,
    ...(doc.expected !== undefined && doc.expected !== null ? { expected: doc.expected } : {}),
    ...(doc.actual !== undefined && doc.actual !== null ? { actual: doc.actual } : {}),
    status: doc.status,
    date: doc.date,
    firstSeenAt: doc.firstSeenAt.toISOString(),
    lastSeenAt: doc.lastSeenAt.toISOString(),
    timesSeen: doc.timesSeen,
    ...(doc.clearedAt ? { clearedAt: doc.clearedAt.toISOString() } : {}),
    ...(doc.resolvedAt ? { resolvedAt: doc.resolvedAt.toISOString() } : {}),
    ...(doc.resolvedBy ? { resolvedBy: doc.resolvedBy } : {}),
    ...(doc.resolution ? { resolution: doc.resolution } : {}),
  }
}

/**
 * The reconcile items: every mismatch a run finds, stored once per kind and subject, until an
 * administrator resolves it (docs/operations.md, "Reconcile items"). No transaction is needed:
 * the unique key makes a second insert of the same mismatch fail, and every status change is a
 * compare-and-set on the status.
 */
export class ReconcileItems {
  constructor(private deps: { items: ReconcileItemModel; events: EventBus; audit: AuditService }) {}

  /**
   * Stores what a run of `date` found, and auto-clears the open items it checked and no longer
   * found: those of the same day, and those of `everyRunKinds` (checks not tied to a day).
   */
  async record(
    ctx: Ctx,
    date: string,
    found: FoundMismatch[],
    everyRunKinds: readonly string[],
  ): Promise<RecordedRun> {
    const opened: string[] = []
    const seen = new Set<string>()
    for (const mismatch of found) {
      const key = keyOf(mismatch)
      if (seen.has(key)) continue
      seen.add(key)
      const id = await this.upsert(ctx, date, key, mismatch)
      if (id) opened.push(id)
    }
    const stale = await this.deps.items
      .find({ status: 'open', $or: [{ date }, { kind: op({ $in: [...everyRunKinds] }) }] })
      .select({ key: 1 })
      .lean()
    let autoCleared = 0
    for (const item of stale) {
      if (seen.has(item.key)) continue
      const cleared = await this.deps.items.updateOne(
        { _id: item._id, status: 'open' },
        { $set: { status: 'auto_cleared', clearedAt: ctx.now } },
      )
      autoCleared += cleared.modifiedCount
    }
    for (const id of opened) {
      const item = await this.deps.items.findById(id).lean()
      if (item) {
        await this.deps.events.emit('reconcile.item_opened', {
          itemId: id,
          kind: item.kind,
          subject: item.subject,
          message: item.message,
          date: item.date,
        })
      }
    }
    return { opened, autoCleared }
  }

  /** Inserts a new item or updates the one under `key`; the id when it is (re)opened. */
  private async upsert(
    ctx: Ctx,
    date: string,
    key: string,
    m: FoundMismatch,
  ): Promise<string | undefined> {
    const facts = {
      message: m.message,
      ...(m.expected !== undefined ? { expected: m.expected } : {}),
      ...(m.actual !== undefined ? { actual: m.actual } : {}),
      date,
      lastSeenAt: ctx.now,
    }
    try {
      const created = await this.deps.items.create({
        key,
        kind: m.kind,
        subject: m.subject,
        ...facts,
        status: 'open',
        firstSeenAt: ctx.now,
        timesSeen: 1,
      })
      return String(created._id)
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
    const reopened = await this.deps.items
      .findOneAndUpdate(
        { key, status: 'auto_cleared' },
        { $set: { ...facts, status: 'open' }, $inc: { timesSeen: 1 }, $unset: { clearedAt: 1 } },
        { returnDocument: 'after' },
      )
      .lean()
    if (reopened) return String(reopened._id)
    await this.deps.items.updateOne({ key }, { $set: facts, $inc: { timesSeen: 1 } })
    return undefined
  }

  /** The items newest first, by status, a page at a time. Administrators only. */
  async list(ctx: Ctx, query: ListReconcileItemsQuery): Promise<Page<ReconcileItemDTO>> {
    requireRole(ctx, 'admin')
    const q = validateInput(listReconcileItemsQuery, query)
    const filter: Record<string, unknown> = { ...afterIdCursor(q.cursor) }
    if (q.status) filter.status = q.status
    const rows = await this.deps.items
      .find(filter)
      .sort({ _id: -1 })
      .limit(q.limit + 1)
      .lean()
    return toPage(rows, q.limit, toReconcileItemDTO, idCursorOf)
  }

  /** One item. @throws NotFoundError */
  async get(ctx: Ctx, id: string): Promise<ReconcileItemDTO> {
    requireRole(ctx, 'admin')
    return toReconcileItemDTO(await this.find(id))
  }

  /**
   * Marks an open item resolved with what the administrator did; audit-logged as
   * `reconcile.item_resolved`. @throws NotFoundError, InvalidStateError `item_not_open` for an
   * item already resolved or auto-cleared.
   */
  async resolve(ctx: Ctx, id: string, input: ResolveReconcileItemBody): Promise<ReconcileItemDTO> {
    requireRole(ctx, 'admin')
    const { reason } = validateInput(resolveReconcileItemBody, input)
    const item = await this.find(id)
    const resolved = await this.deps.items
      .findOneAndUpdate(
        { _id: item._id, status: 'open' },
        {
          $set: {
            status: 'resolved',
            resolvedAt: ctx.now,
            resolvedBy: describeActor(ctx.actor),
            resolution: reason,
          },
        },
        { returnDocument: 'after' },
      )
      .lean()
    if (!resolved) {
      const now = await this.find(id)
      throw new InvalidStateError(`The item is ${now.status}, not open`, 'item_not_open', {
        status: now.status,
      })
    }
    await this.deps.audit.record(
      ctx,
      'reconcile.item_resolved',
      { type: 'reconcile_item', id },
      { reason, details: { kind: resolved.kind, subject: resolved.subject } },
    )
    return toReconcileItemDTO(resolved)
  }

  private async find(id: string): Promise<ReconcileItemDoc> {
    const item = isId(id) ? await this.deps.items.findById(id).lean() : null
    if (!item) throw new NotFoundError('Reconcile item')
    return item
  }
}
