import { Types } from 'mongoose'
import { op } from '../db/query.js'
import { OUTBOX_PENDING, outboxSourceOf } from '../events/outbox.js'
import type { AdminOrderDTO } from '../orders/order.types.js'
import { type Ctx, describeActor, isAdmin, requireUser, systemCtx } from '../shared/ctx.js'
import { AppError, NotFoundError } from '../shared/errors.js'
import type { DisputeDoc, DisputeEvidenceDoc } from './dispute.model.js'
import {
  assertOpen,
  changed,
  type DisputeStep,
  disputeOpen,
  evidenceOf,
  openKeyOf,
} from './dispute.rules.js'
import { assertDisputeMove } from './dispute.transitions.js'
import { type DisputeActor, type DisputeStatus, OPEN_DISPUTE_STATUSES } from './dispute.types.js'
import type { DisputesDeps } from './disputes.service.js'

/** What `DisputeRecords.create` writes besides the order's own fields. */
export type NewDispute = Pick<
  DisputeDoc,
  'source' | 'status' | 'reason' | 'description' | 'evidence'
> &
  Partial<Pick<DisputeDoc, 'sellerDueAt' | 'adminDueAt' | 'paystack'>> & {
    step: DisputeStep
    openKey?: string
  }

/** One guarded update of a case (`DisputeRecords.record`). */
export type DisputeChange = {
  where: Record<string, unknown>
  set?: Record<string, unknown>
  history?: DisputeDoc['history'][number]
  evidence?: DisputeEvidenceDoc
  step: DisputeStep
  status?: DisputeStatus
}

/** What a status move writes besides the status (`DisputeRecords.move`). */
export type DisputeMoveOptions = {
  note?: string
  set?: Record<string, unknown>
  evidence?: DisputeEvidenceDoc
  step: DisputeStep
}

/**
 * The writes every step of a case shares: the insert of a new case, the guarded update carrying
 * its `dispute.updated` event in the same write (then published from the outbox), the checked
 * status move; and the loads: a case by id, the order, the caller's part in a case.
 */
export class DisputeRecords {
  constructor(private deps: DisputesDeps) {}

  /**
   * Records a new case and its `dispute.updated` event in one insert; the unique `openKey`
   * refuses a second open case for the same order and source.
   */
  async create(ctx: Ctx, order: AdminOrderDTO, fields: NewDispute): Promise<DisputeDoc> {
    const { step, openKey, ...rest } = fields
    const id = new Types.ObjectId()
    const event = this.deps.events.outboxEntry('dispute.updated', {
      disputeId: id.toHexString(),
      orderId: order.id,
      storeId: order.storeId,
      buyerId: order.buyerId,
      status: rest.status,
      ...step,
    })
    let doc: DisputeDoc
    try {
      doc = (
        await this.deps.disputes.create({
          _id: id,
          orderId: order.id,
          orderGroupId: order.orderGroupId,
          storeId: order.storeId,
          buyerId: order.buyerId,
          openKey: openKey ?? openKeyOf(rest.source, order.id),
          amount: order.total,
          currency: order.currency,
          history: [{ to: rest.status, actor: describeActor(ctx.actor), at: ctx.now }],
          outbox: [event],
          ...OUTBOX_PENDING,
          ...rest,
        })
      ).toObject()
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error
      const winner = await this.deps.disputes
        .findOne({ openKey: openKey ?? openKeyOf(rest.source, order.id) })
        .lean()
      throw winner ? disputeOpen(winner) : error
    }
    await this.deps.events.publishOutbox(outboxSourceOf(this.deps.disputes), doc._id, [event])
    return doc
  }

  /** One guarded update of a case carrying its `dispute.updated` event; null when it lost. */
  async record(ctx: Ctx, doc: DisputeDoc, change: DisputeChange): Promise<DisputeDoc | null> {
    const event = this.deps.events.outboxEntry('dispute.updated', {
      disputeId: String(doc._id),
      orderId: doc.orderId,
      storeId: doc.storeId,
      buyerId: doc.buyerId,
      status: change.status ?? doc.status,
      ...change.step,
    })
    const push: Record<string, unknown> = { outbox: event }
    if (change.history) push.history = change.history
    if (change.evidence) push.evidence = change.evidence
    const updated = await this.deps.disputes
      .findOneAndUpdate(
        { _id: doc._id, ...change.where },
        { $set: { ...change.set, ...OUTBOX_PENDING, updatedAt: ctx.now }, $push: push },
        { returnDocument: 'after' },
      )
      .lean()
    if (!updated) return null
    await this.deps.events.publishOutbox(outboxSourceOf(this.deps.disputes), updated._id, [event])
    return updated
  }

  /** One status move: the table, then a compare-and-set on the status. */
  async move(
    ctx: Ctx,
    doc: DisputeDoc,
    actor: DisputeActor,
    to: DisputeStatus,
    options: DisputeMoveOptions,
  ): Promise<DisputeDoc> {
    assertDisputeMove(actor, doc.status, to)
    const moved = await this.record(ctx, doc, {
      where: { status: doc.status },
      set: { status: to, ...options.set },
      history: {
        from: doc.status,
        to,
        actor: describeActor(ctx.actor),
        ...(options.note ? { note: options.note } : {}),
        at: ctx.now,
      },
      ...(options.evidence ? { evidence: options.evidence } : {}),
      step: options.step,
      status: to,
    })
    if (!moved) throw changed()
    return moved
  }

  /** Evidence added to an open case by one party. @throws InvalidStateError `dispute_closed` */
  async addEvidence(
    ctx: Ctx,
    doc: DisputeDoc,
    party: DisputeActor,
    item: Omit<DisputeEvidenceDoc, 'id' | 'by' | 'at'>,
    headline: string,
  ): Promise<DisputeDoc> {
    assertOpen(doc)
    const updated = await this.record(ctx, doc, {
      where: { status: op({ $in: OPEN_DISPUTE_STATUSES }) },
      evidence: evidenceOf(ctx, party, item),
      step: {
        step: 'evidence_added',
        headline: `${headline} by the ${party}`,
        detail: item.text ?? 'A photo was added to the evidence.',
      },
    })
    if (!updated) throw changed()
    return updated
  }

  /** A case by id. @throws NotFoundError */
  async doc(disputeId: string): Promise<DisputeDoc> {
    if (!/^[0-9a-f]{24}$/.test(disputeId)) throw new NotFoundError('Dispute')
    const doc = await this.deps.disputes.findById(disputeId).lean()
    if (!doc) throw new NotFoundError('Dispute')
    return doc
  }

  /** A case's order, read as the disputes' system actor. */
  async orderFor(orderId: string): Promise<AdminOrderDTO> {
    return this.deps.orders.get(systemCtx('disputes', this.deps.clock.now()), orderId)
  }

  /** The case and the caller's part in it; anyone else gets NotFoundError, never Forbidden. */
  async visible(ctx: Ctx, disputeId: string): Promise<{ doc: DisputeDoc; party: DisputeActor }> {
    const doc = await this.doc(disputeId)
    if (isAdmin(ctx)) return { doc, party: 'admin' }
    const userId = requireUser(ctx)
    if (doc.buyerId === userId) return { doc, party: 'buyer' }
    if (ctx.actor.kind === 'user' && ctx.actor.role === 'seller') {
      const store = await this.deps.stores.requireOwnStore(ctx).catch((error: unknown) => {
        if (error instanceof AppError && error.kind === 'not_found') return undefined
        throw error
      })
      if (store?.id === doc.storeId) return { doc, party: 'seller' }
    }
    throw new NotFoundError('Dispute')
  }
}
