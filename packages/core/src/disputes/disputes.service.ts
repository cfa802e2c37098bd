import { Types } from 'mongoose'
import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import { OUTBOX_PENDING, outboxSourceOf } from '../events/outbox.js'
import { sanitizeImage } from '../images/image.sanitizer.js'
import type { ImageStore } from '../images/image-store.port.js'
import type { UploadedFile } from '../images/images.service.js'
import { sellerAccount } from '../ledger/ledger.accounts.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { AdminOrderDTO } from '../orders/order.types.js'
import type { OrdersService } from '../orders/orders.service.js'
import type { Clock } from '../shared/clock.js'
import {
  type Ctx,
  describeActor,
  isAdmin,
  requireAdminOrSystem,
  requireRole,
  requireUser,
  systemCtx,
} from '../shared/ctx.js'
import {
  AppError,
  ChangedMeanwhileError,
  ConflictError,
  InvalidStateError,
  NotFoundError,
} from '../shared/errors.js'
import type { DomainEvents, EventBus } from '../shared/events.js'
import { newId } from '../shared/ids.js'
import type { Logger } from '../shared/logger.js'
import { type Currency, formatMoney } from '../shared/money.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import type { StoreLookup } from '../stores/store.types.js'
import { type ChargebackDeps, Chargebacks } from './chargebacks.js'
import { toDisputeDTO } from './dispute.dto.js'
import type { DisputeDoc, DisputeEvidenceDoc, DisputeModel } from './dispute.model.js'
import {
  type AcceptDisputeBody,
  type AnswerDisputeBody,
  acceptDisputeBody,
  answerDisputeBody,
  type DisputeNoteBody,
  disputeNoteBody,
  type EscalateDisputeBody,
  escalateDisputeBody,
  type ListDisputesQuery,
  listDisputesQuery,
  type OpenDisputeBody,
  openDisputeBody,
  type ResolveDisputeCaseBody,
  resolveDisputeCaseBody,
} from './dispute.schemas.js'
import { assertDisputeMove } from './dispute.transitions.js'
import {
  type DisputeActor,
  type DisputeDTO,
  type DisputeOutcome,
  type DisputeStatus,
  OPEN_DISPUTE_STATUSES,
} from './dispute.types.js'

/** The clocks of a case (docs/trust-and-safety.md, "Disputes"). */
export const DISPUTE_CLOCKS = {
  /** A buyer may open a case up to this long after delivery. */
  openWindowDays: 14,
  /** A shipped order with no delivery estimate counts as overdue this long after shipping. */
  overdueAfterShippedDays: 7,
  /** The seller's time to accept or answer; then the case escalates by itself. */
  sellerDays: 3,
  /** The buyer's time to escalate an answered case; then it closes for the seller. */
  buyerDays: 3,
  /** An administrator's time to decide an escalated case. */
  adminHours: 48,
} as const

/** Photos one case may carry (buyer and seller together). */
export const MAX_DISPUTE_PHOTOS = 10
const DAY_MS = 24 * 3600_000
const DEADLINE_BATCH = 200
/** A resolution younger than this may still be moving its money: the repair leaves it. */
const SETTLE_GRACE_MS = 60_000

export interface DisputesDeps {
  disputes: DisputeModel
  orders: Pick<OrdersService, 'get' | 'dispute' | 'resolve' | 'forPaymentReference'>
  ledger: Pick<LedgerService, 'journalsForOrder'>
  stores: Pick<StoreLookup, 'requireOwnStore'>
  /** Where evidence photos go (the product images' store: disk or Cloudinary). */
  images: ImageStore
  audit: AuditService
  events: EventBus
  clock: Clock
  logger: Logger
  /** Paystack chargebacks (chargebacks.ts); without them `charge.dispute.*` is ignored. */
  chargebacks?: Omit<ChargebackDeps, 'logger'>
}

/** What happens to the money when a case is decided. */
export type Settlement = { outcome: DisputeOutcome; amount: number; reason: string }

/**
 * Dispute cases between a buyer and a seller over one store order, decided by administrators
 * when the two do not agree. Every step is checked against the transition table (state and
 * actor), written as a compare-and-set with its history entry and its `dispute.updated` event
 * in one update, and told to both parties (inbox and mail, dispute.subscribers.ts). While a case
 * is open the order cannot complete, and whatever of its money already reached the seller's
 * available balance is held back from payouts (`frozenAmount`).
 */
export class DisputesService {
  private chargebacks: Chargebacks | undefined

  constructor(private deps: DisputesDeps) {
    if (deps.chargebacks)
      this.chargebacks = new Chargebacks(this, { ...deps.chargebacks, logger: deps.logger })
  }

  /** The `paystack.event_received` subscriber: `charge.dispute.*` opens and updates cases. */
  async onPaystackEvent(event: DomainEvents['paystack.event_received']): Promise<void> {
    await this.chargebacks?.onPaystackEvent(event)
  }

  /** The clock's time (chargebacks.ts). */
  now(): Date {
    return this.deps.clock.now()
  }

  /** The store orders one Paystack transaction paid for. */
  async ordersPaidBy(reference: string): Promise<AdminOrderDTO[]> {
    return this.deps.orders.forPaymentReference(systemCtx('disputes', this.now()), reference)
  }

  /** Gives back a booking claim when Paystack refused the acceptance (chargebacks.ts). */
  async unbook(doc: DisputeDoc): Promise<void> {
    await this.deps.disputes.updateOne({ _id: doc._id }, { $set: { 'paystack.booked': false } })
  }

  /** The chargeback case of one Paystack dispute and one order, if opened. */
  async findByPaystack(disputeId: number, orderId: string): Promise<DisputeDoc | null> {
    return this.deps.disputes.findOne({ 'paystack.disputeId': disputeId, orderId }).lean()
  }

  // ---- opening ------------------------------------------------------------------------------

  /**
   * The buyer opens a case on a delivered order (within 14 days of delivery, also once
   * completed) or on a shipped order that is overdue. The order moves to `disputed`; the seller
   * has 3 days to accept or answer.
   * @throws NotFoundError for someone else's order, InvalidStateError `dispute_window_closed` /
   *   `not_disputable`, ConflictError `dispute_open`.
   */
  async open(ctx: Ctx, orderId: string, input: OpenDisputeBody): Promise<DisputeDTO> {
    const buyerId = requireUser(ctx)
    const body = validateInput(openDisputeBody, input)
    const order = await this.orderFor(orderId)
    if (order.buyerId !== buyerId) throw new NotFoundError('Order')
    assertDisputable(order, ctx.now)
    const existing = await this.deps.disputes
      .findOne({ openKey: openKeyOf('platform', orderId) })
      .lean()
    if (existing) throw disputeOpen(existing)
    await this.deps.orders.dispute(ctx, orderId, { reason: `${body.reason}: ${body.description}` })
    const sellerDueAt = new Date(ctx.now.getTime() + DISPUTE_CLOCKS.sellerDays * DAY_MS)
    const doc = await this.create(ctx, order, {
      source: 'platform',
      status: 'awaiting_seller',
      reason: body.reason,
      description: body.description,
      sellerDueAt,
      evidence: [],
      step: {
        step: 'opened',
        headline: 'a dispute was opened',
        detail: `Reason: ${body.reason.replaceAll('_', ' ')}. ${body.description} The seller has until ${sellerDueAt.toISOString()} to accept or answer.`,
      },
    })
    return toDisputeDTO(doc)
  }

  /**
   * Records a new case and its `dispute.updated` event in one insert; the unique `openKey`
   * refuses a second open case for the same order and source.
   */
  async create(
    ctx: Ctx,
    order: AdminOrderDTO,
    fields: Pick<DisputeDoc, 'source' | 'status' | 'reason' | 'description' | 'evidence'> &
      Partial<Pick<DisputeDoc, 'sellerDueAt' | 'adminDueAt' | 'paystack'>> & {
        step: { step: string; headline: string; detail: string }
        openKey?: string
      },
  ): Promise<DisputeDoc> {
    const { step, openKey, ...rest } = fields
    const id = newObjectId()
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

  // ---- reading ------------------------------------------------------------------------------

  /** Cases still open (their money frozen). Administrators. */
  async countOpen(ctx: Ctx): Promise<number> {
    requireRole(ctx, 'admin')
    return this.deps.disputes.countDocuments({ status: op({ $in: OPEN_DISPUTE_STATUSES }) })
  }

  /** The signed-in buyer's cases, newest first. */
  async listOwn(ctx: Ctx, query: Partial<ListDisputesQuery> = {}): Promise<Page<DisputeDTO>> {
    return this.page({ buyerId: requireUser(ctx) }, query)
  }

  /** The seller's store's cases, newest first. */
  async listForSeller(ctx: Ctx, query: Partial<ListDisputesQuery> = {}): Promise<Page<DisputeDTO>> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    return this.page({ storeId: store.id }, query)
  }

  /** Every case, by status, source, store, or only overdue ones; administrators. */
  async list(ctx: Ctx, query: Partial<ListDisputesQuery> = {}): Promise<Page<DisputeDTO>> {
    requireRole(ctx, 'admin')
    return this.page(query.store ? { storeId: query.store } : {}, query)
  }

  /**
   * One case, for its buyer, its store's seller or an administrator (anyone else: NotFoundError).
   */
  async get(ctx: Ctx, disputeId: string): Promise<DisputeDTO> {
    const { doc } = await this.visible(ctx, disputeId)
    return toDisputeDTO(doc)
  }

  // ---- the parties' steps -------------------------------------------------------------------

  /** A note added to the evidence by the buyer, the seller or an administrator (open cases). */
  async addNote(ctx: Ctx, disputeId: string, input: DisputeNoteBody): Promise<DisputeDTO> {
    const body = validateInput(disputeNoteBody, input)
    const { doc, party } = await this.visible(ctx, disputeId)
    return toDisputeDTO(
      await this.addEvidence(
        ctx,
        doc,
        party,
        { kind: 'note', text: body.note },
        'a note was added',
      ),
    )
  }

  /**
   * A photo added to the evidence (checked and re-encoded like product images).
   * @throws InvalidStateError `dispute_closed` / `too_many_photos`, and the image errors.
   */
  async addPhoto(ctx: Ctx, disputeId: string, file: UploadedFile): Promise<DisputeDTO> {
    const { doc, party } = await this.visible(ctx, disputeId)
    assertOpen(doc)
    if (doc.evidence.filter((e) => e.kind === 'photo').length >= MAX_DISPUTE_PHOTOS) {
      throw new InvalidStateError(
        `A dispute carries at most ${MAX_DISPUTE_PHOTOS} photos`,
        'too_many_photos',
      )
    }
    const image = await sanitizeImage(file.bytes)
    const stored = await this.deps.images.put(image)
    const photo = {
      url: stored.url,
      storageKey: stored.storageKey,
      store: this.deps.images.kind,
      width: image.width,
      height: image.height,
    }
    return toDisputeDTO(
      await this.addEvidence(ctx, doc, party, { kind: 'photo', photo }, 'a photo was added'),
    )
  }

  /** The seller answers with their side; the buyer then has 3 days to escalate. */
  async answer(ctx: Ctx, disputeId: string, input: AnswerDisputeBody): Promise<DisputeDTO> {
    const body = validateInput(answerDisputeBody, input)
    const { doc, party } = await this.visible(ctx, disputeId)
    assertParty(party, 'seller')
    const buyerDueAt = new Date(ctx.now.getTime() + DISPUTE_CLOCKS.buyerDays * DAY_MS)
    const moved = await this.move(ctx, doc, 'seller', 'seller_answered', {
      set: { buyerDueAt },
      evidence: evidenceOf(ctx, 'seller', { kind: 'note', text: body.message }),
      step: {
        step: 'answered',
        headline: 'the seller answered',
        detail: `${body.message} The buyer may escalate to KlosetStore until ${buyerDueAt.toISOString()}; otherwise the case closes and the seller is paid.`,
      },
    })
    return toDisputeDTO(moved)
  }

  /**
   * The seller accepts: the buyer gets the whole order back, or `amount` of it, through the
   * refund path; the case is resolved.
   * @throws InvalidStateError `refund_exceeds_paid` for more than is left of the payment.
   */
  async accept(ctx: Ctx, disputeId: string, input: AcceptDisputeBody): Promise<DisputeDTO> {
    const body = validateInput(acceptDisputeBody, input)
    const { doc, party } = await this.visible(ctx, disputeId)
    assertParty(party, 'seller')
    const order = await this.orderFor(doc.orderId)
    const settlement = settlementOf(order, {
      decision: 'refund',
      refund: body.refund,
      ...(body.amount !== undefined ? { amount: body.amount } : {}),
      reason: body.message ?? 'the seller accepted the claim',
    })
    return toDisputeDTO(await this.settle(ctx, doc, 'seller', settlement))
  }

  /** The buyer escalates an answered case; an administrator decides within 48 hours. */
  async escalate(
    ctx: Ctx,
    disputeId: string,
    input: EscalateDisputeBody = {},
  ): Promise<DisputeDTO> {
    const body = validateInput(escalateDisputeBody, input)
    const { doc, party } = await this.visible(ctx, disputeId)
    assertParty(party, 'buyer')
    return toDisputeDTO(
      await this.escalateAs(ctx, doc, 'buyer', body.note ?? 'the buyer escalated'),
    )
  }

  // ---- administrators -----------------------------------------------------------------------

  /**
   * An administrator decides an open case: a full or partial refund through the refund path
   * (commission reversed in proportion), or the money released to the seller. Audit-logged.
   * @throws InvalidStateError `invalid_transition` for a resolved case, `refund_exceeds_paid`.
   */
  async resolve(ctx: Ctx, disputeId: string, input: ResolveDisputeCaseBody): Promise<DisputeDTO> {
    requireRole(ctx, 'admin')
    const body = validateInput(resolveDisputeCaseBody, input)
    const doc = await this.doc(disputeId)
    const order = await this.orderFor(doc.orderId)
    const settlement = settlementOf(order, body)
    const resolved = await this.settle(ctx, doc, 'admin', settlement)
    await this.deps.audit.record(
      ctx,
      `dispute.resolved.${settlement.outcome}`,
      { type: 'dispute', id: disputeId },
      { reason: body.reason, details: { orderId: doc.orderId, amount: settlement.amount } },
    )
    return toDisputeDTO(resolved)
  }

  /**
   * What `resolve` would do, without doing it (`kloset disputes resolve --dry-run`).
   * @throws the same refusals as `resolve`, before anything changes.
   */
  async preview(
    ctx: Ctx,
    disputeId: string,
    input: ResolveDisputeCaseBody,
  ): Promise<{ dispute: DisputeDTO; settlement: Settlement; refundable: number }> {
    requireRole(ctx, 'admin')
    const body = validateInput(resolveDisputeCaseBody, input)
    const doc = await this.doc(disputeId)
    assertOpen(doc)
    const order = await this.orderFor(doc.orderId)
    return {
      dispute: toDisputeDTO(doc),
      settlement: settlementOf(order, body),
      refundable: order.total - order.refundedAmount,
    }
  }

  /** The open platform case of an order (`POST /api/v1/admin/orders/:id/resolve`). */
  async openCaseOf(ctx: Ctx, orderId: string): Promise<DisputeDTO | undefined> {
    requireRole(ctx, 'admin')
    const doc = await this.deps.disputes.findOne({ openKey: openKeyOf('platform', orderId) }).lean()
    return doc ? toDisputeDTO(doc) : undefined
  }

  /**
   * What is held back from a store's payouts: for each open case, the part of its order's money
   * already in the seller's available balance (its release, less refunds taken from available).
   * Money still pending is held by the order itself, which cannot complete while disputed.
   */
  async frozenAmount(ctx: Ctx, storeId: string, currency: Currency): Promise<number> {
    const open = await this.deps.disputes
      .find({ storeId, status: op({ $in: OPEN_DISPUTE_STATUSES }), currency })
      .lean()
    const available = sellerAccount(storeId, 'available')
    let frozen = 0
    for (const orderId of new Set(open.map((d) => d.orderId))) {
      const journals = await this.deps.ledger.journalsForOrder(ctx, orderId)
      const sum = journals
        .filter((j) => j.currency === currency)
        .flatMap((j) => j.entries)
        .filter((e) => e.account === available)
        .reduce((total, e) => total + e.amount, 0)
      // Credit-normal: a negative sum is money the seller holds.
      frozen += Math.max(0, -sum)
    }
    return frozen
  }

  // ---- deadlines (the `advance-dispute-deadlines` job) --------------------------------------

  /**
   * Unanswered cases past the seller's 3 days escalate; answered cases the buyer did not
   * escalate within 3 days close for the seller (money released); escalated cases past the
   * 48-hour decision deadline are marked overdue and announced once (the `admin` channel).
   */
  async advanceDeadlines(
    ctx: Ctx,
  ): Promise<{ escalated: number; closed: number; overdue: number; settledLate: number }> {
    requireAdminOrSystem(ctx)
    const { disputes } = this.deps
    const result = { escalated: 0, closed: 0, overdue: 0, settledLate: 0 }
    const unanswered = await disputes
      .find({ status: 'awaiting_seller', sellerDueAt: op({ $lte: ctx.now }) })
      .limit(DEADLINE_BATCH)
      .lean()
    for (const doc of unanswered) {
      const moved = await this.escalateAs(
        ctx,
        doc,
        'system',
        'the seller did not answer within 3 days',
      ).catch(skipChanged)
      if (moved) result.escalated++
    }
    const lapsed = await disputes
      .find({ status: 'seller_answered', buyerDueAt: op({ $lte: ctx.now }) })
      .limit(DEADLINE_BATCH)
      .lean()
    for (const doc of lapsed) {
      const settled = await this.settle(ctx, doc, 'system', {
        outcome: 'release',
        amount: 0,
        reason: 'the buyer did not escalate within 3 days of the answer',
      }).catch(skipChanged)
      if (settled) result.closed++
    }
    const late = await disputes
      .find({
        status: 'escalated',
        adminDueAt: op({ $lte: ctx.now }),
        overdueAt: op({ $exists: false }),
      })
      .limit(DEADLINE_BATCH)
      .lean()
    for (const doc of late) {
      const marked = await this.record(ctx, doc, {
        where: { status: 'escalated', overdueAt: op({ $exists: false }) },
        set: { overdueAt: ctx.now },
        step: {
          step: 'overdue',
          headline: 'the decision is overdue',
          detail:
            'An administrator has not decided within 48 hours; the case is at the top of the queue.',
        },
      })
      if (marked) result.overdue++
    }
    result.settledLate = await this.repairSettlements(ctx)
    return result
  }

  /**
   * The `answer-chargebacks` job: chargebacks no administrator decided within 6 hours of
   * Paystack's deadline are declined with their evidence, once (chargebacks.ts, `answerDue`).
   */
  async answerChargebacks(ctx: Ctx): Promise<{ answered: number }> {
    requireAdminOrSystem(ctx)
    return (await this.chargebacks?.answerDue(ctx)) ?? { answered: 0 }
  }

  /** The Paystack disputes with an undecided, unanswered case due by `before` (chargebacks.ts). */
  async chargebacksDueBy(before: Date): Promise<number[]> {
    const docs = await this.deps.disputes
      .find({
        source: 'chargeback',
        status: 'escalated',
        'paystack.dueAt': op({ $lte: before }),
        'paystack.autoAnsweredAt': op({ $exists: false }),
        'paystack.resolution': op({ $exists: false }),
      })
      .select({ paystack: 1 })
      .limit(DEADLINE_BATCH)
      .lean()
    return [...new Set(docs.map((d) => d.paystack!.disputeId))]
  }

  /** Every case of one Paystack dispute (one per store order its transaction paid). */
  async chargebackCases(disputeId: number): Promise<DisputeDoc[]> {
    return this.deps.disputes
      .find({ source: 'chargeback', 'paystack.disputeId': disputeId })
      .sort({ orderId: 1 })
      .lean()
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Moves an open case to `escalated` with its 48-hour decision deadline. */
  async escalateAs(
    ctx: Ctx,
    doc: DisputeDoc,
    actor: DisputeActor,
    note: string,
  ): Promise<DisputeDoc> {
    const adminDueAt = new Date(ctx.now.getTime() + DISPUTE_CLOCKS.adminHours * 3600_000)
    return this.move(ctx, doc, actor, 'escalated', {
      note,
      set: { adminDueAt },
      step: {
        step: 'escalated',
        headline: 'the dispute was escalated to KlosetStore',
        detail: `${note}. An administrator decides by ${adminDueAt.toISOString()}.`,
      },
    })
  }

  /**
   * Resolves a case: first the case (compare-and-set, so a decision is taken once), then the
   * order and its money through the orders' dispute settlement (refund path or release).
   */
  async settle(
    ctx: Ctx,
    doc: DisputeDoc,
    actor: DisputeActor,
    settlement: Settlement,
  ): Promise<DisputeDoc> {
    const what =
      settlement.outcome === 'release'
        ? 'the money is released to the seller'
        : `${formatMoney(settlement.amount, doc.currency)} is refunded to the buyer`
    const resolved = await this.move(ctx, doc, actor, 'resolved', {
      note: settlement.reason,
      set: {
        openKey: `${doc.openKey}:${String(doc._id)}`,
        ...(doc.source === 'chargeback' ? {} : { settlementPending: true }),
        resolution: {
          outcome: settlement.outcome,
          amount: settlement.amount,
          reason: settlement.reason,
          decidedBy: describeActor(ctx.actor),
          at: ctx.now,
        },
      },
      step: {
        step: 'resolved',
        headline: `the dispute was resolved: ${what}`,
        detail: `Reason: ${settlement.reason}.`,
      },
    })
    await this.settleMoney(ctx, resolved, settlement)
    await this.settled(resolved)
    return (await this.deps.disputes.findById(resolved._id).lean()) ?? resolved
  }

  private async settled(doc: DisputeDoc): Promise<void> {
    if (!doc.settlementPending) return
    await this.deps.disputes.updateOne({ _id: doc._id }, { $unset: { settlementPending: 1 } })
  }

  /**
   * Finishes decisions whose money never moved (a crash between resolving the case and the
   * refund or release; `advance-dispute-deadlines` runs it). The order's own compare-and-set
   * (`disputed` -> `resolved`) makes the move happen once: an order that already moved only
   * clears the mark. Cases resolved in the last minute are left to the call still running.
   */
  async repairSettlements(ctx: Ctx): Promise<number> {
    const before = new Date(ctx.now.getTime() - SETTLE_GRACE_MS)
    const pending = await this.deps.disputes
      .find({ settlementPending: true, updatedAt: op({ $lte: before }) })
      .limit(DEADLINE_BATCH)
      .lean()
    let repaired = 0
    for (const doc of pending) {
      const order = await this.orderFor(doc.orderId)
      if (order.status === 'disputed' && doc.resolution) {
        const { outcome, amount, reason } = doc.resolution
        const moved = await this.settleMoney(ctx, doc, { outcome, amount, reason })
          .then(() => true)
          .catch((error: unknown) => {
            if (error instanceof AppError && error.code === 'invalid_transition') return false
            throw error
          })
        if (moved) repaired++
      }
      await this.settled(doc)
    }
    if (repaired > 0) this.deps.logger.warn({ repaired }, 'dispute settlements finished late')
    return repaired
  }

  /** The money side of a decision; a chargeback goes through Paystack and never moves the order. */
  private async settleMoney(ctx: Ctx, doc: DisputeDoc, settlement: Settlement): Promise<void> {
    if (doc.source === 'chargeback') {
      await this.chargebacks?.settleMoney(ctx, doc, settlement)
      return
    }
    // The order moves as the case's own step when a seller or a job decided.
    const orderCtx = isAdmin(ctx) ? ctx : systemCtx('disputes.settle', ctx.now)
    await this.deps.orders.resolve(orderCtx, doc.orderId, {
      resolution: settlement.outcome === 'release' ? 'release' : 'refund',
      reason: settlement.reason,
      ...(settlement.outcome === 'refund_partial' ? { amount: settlement.amount } : {}),
    })
  }

  private async addEvidence(
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

  /** One status move: the table, then a compare-and-set on the status. */
  private async move(
    ctx: Ctx,
    doc: DisputeDoc,
    actor: DisputeActor,
    to: DisputeStatus,
    options: {
      note?: string
      set?: Record<string, unknown>
      evidence?: DisputeEvidenceDoc
      step: { step: string; headline: string; detail: string }
    },
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

  /** One guarded update of a case carrying its `dispute.updated` event; null when it lost. */
  async record(
    ctx: Ctx,
    doc: DisputeDoc,
    change: {
      where: Record<string, unknown>
      set?: Record<string, unknown>
      history?: DisputeDoc['history'][number]
      evidence?: DisputeEvidenceDoc
      step: { step: string; headline: string; detail: string }
      status?: DisputeStatus
    },
  ): Promise<DisputeDoc | null> {
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

  async doc(disputeId: string): Promise<DisputeDoc> {
    if (!/^[0-9a-f]{24}$/.test(disputeId)) throw new NotFoundError('Dispute')
    const doc = await this.deps.disputes.findById(disputeId).lean()
    if (!doc) throw new NotFoundError('Dispute')
    return doc
  }

  async orderFor(orderId: string): Promise<AdminOrderDTO> {
    return this.deps.orders.get(systemCtx('disputes', this.deps.clock.now()), orderId)
  }

  /** The case and the caller's part in it; anyone else gets NotFoundError, never Forbidden. */
  private async visible(
    ctx: Ctx,
    disputeId: string,
  ): Promise<{ doc: DisputeDoc; party: DisputeActor }> {
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

  private async page(
    scope: Record<string, unknown>,
    input: Partial<ListDisputesQuery>,
  ): Promise<Page<DisputeDTO>> {
    const query = validateInput(listDisputesQuery, input)
    const filter: Record<string, unknown> = { ...scope }
    if (query.status) filter.status = query.status
    if (query.source) filter.source = query.source
    if (query.overdue) {
      filter.status = 'escalated'
      filter.adminDueAt = op({ $lte: this.deps.clock.now() })
    }
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.disputes
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toDisputeDTO, idCursorOf)
  }
}

const newObjectId = () => new Types.ObjectId()

/** The unique key of an open case (one per order and source). */
export const openKeyOf = (source: string, orderId: string) => `${source}:${orderId}`

const disputeOpen = (doc: DisputeDoc) =>
  new ConflictError('This order already has an open dispute', 'dispute_open', {
    disputeId: String(doc._id),
  })

const changed = () => new ChangedMeanwhileError('dispute')

function assertOpen(doc: DisputeDoc): void {
  if (!OPEN_DISPUTE_STATUSES.includes(doc.status)) {
    throw new InvalidStateError('This dispute is resolved', 'dispute_closed')
  }
}

function assertParty(party: DisputeActor, expected: 'buyer' | 'seller'): void {
  if (party !== expected) {
    throw new NotFoundError('Dispute')
  }
}

function evidenceOf(
  ctx: Ctx,
  by: DisputeActor,
  item: Omit<DisputeEvidenceDoc, 'id' | 'by' | 'at'>,
): DisputeEvidenceDoc {
  return { id: newId(), by, at: ctx.now, ...item }
}

/**
 * Whether a buyer may open a case on the order now: delivered (or completed) within the last
 * 14 days, or shipped and overdue (past its delivery estimate, or 7 days without one).
 * @throws InvalidStateError `dispute_window_closed`, `not_disputable`.
 */
export function assertDisputable(order: AdminOrderDTO, now: Date): void {
  if (order.status === 'delivered' || order.status === 'completed') {
    const deliveredAt = order.deliveredAt ? Date.parse(order.deliveredAt) : 0
    if (now.getTime() - deliveredAt > DISPUTE_CLOCKS.openWindowDays * DAY_MS) {
      throw new InvalidStateError(
        `Disputes open within ${DISPUTE_CLOCKS.openWindowDays} days of delivery`,
        'dispute_window_closed',
      )
    }
    return
  }
  if (order.status === 'shipped' && order.shipment) {
    const estimate = order.shipment.estimatedDeliveryDate
    const overdue = estimate
      ? Date.parse(`${estimate}T23:59:59.999Z`) < now.getTime()
      : now.getTime() - Date.parse(order.shipment.shippedAt) >
        DISPUTE_CLOCKS.overdueAfterShippedDays * DAY_MS
    if (overdue) return
    throw new InvalidStateError(
      'A shipped order can be disputed once it is overdue (past its delivery estimate, or 7 days after shipping without one)',
      'not_disputable',
    )
  }
  throw new InvalidStateError(
    `Only delivered or overdue orders can be disputed; this one is ${order.status}`,
    'not_disputable',
  )
}

/** What a refund or release decision does, checked against what is left of the payment. */
export function settlementOf(order: AdminOrderDTO, body: ResolveDisputeCaseBody): Settlement {
  if (body.decision === 'release') return { outcome: 'release', amount: 0, reason: body.reason }
  const refundable = order.total - order.refundedAmount
  const amount = body.refund === 'partial' ? (body.amount ?? 0) : refundable
  if (amount <= 0 || amount > refundable) {
    throw new InvalidStateError(
      'The refund exceeds what is left of the payment',
      'refund_exceeds_paid',
      {
        refundable,
      },
    )
  }
  return {
    outcome: body.refund === 'partial' && amount < refundable ? 'refund_partial' : 'refund_full',
    amount,
    reason: body.reason,
  }
}

/** A deadline that lost a race to a person (an answer, a decision) just skips the case. */
function skipChanged(error: unknown): undefined {
  if (
    error instanceof AppError &&
    (error.code === 'changed_meanwhile' || error.code === 'invalid_transition')
  )
    return undefined
  throw error
}
