import type { AuditService } from '../audit/audit.service.js'
import type { ImageStore } from '../images/image-store.port.js'
import type { UploadedFile } from '../images/images.service.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { AdminOrderDTO } from '../orders/order.types.js'
import type { OrdersService } from '../orders/orders.service.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, requireAdminOrSystem, systemCtx } from '../shared/ctx.js'
import type { DomainEvents, EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import type { Currency } from '../shared/money.js'
import type { Page } from '../shared/paging.js'
import type { StoreLookup } from '../stores/store.types.js'
import { type ChargebackDeps, Chargebacks } from './chargebacks.js'
import type { DisputeDoc, DisputeModel } from './dispute.model.js'
import type { Settlement } from './dispute.rules.js'
import type {
  AcceptDisputeBody,
  AnswerDisputeBody,
  DisputeNoteBody,
  EscalateDisputeBody,
  ListDisputesQuery,
  OpenDisputeBody,
  ResolveDisputeCaseBody,
} from './dispute.schemas.js'
import type { DisputeActor, DisputeDTO } from './dispute.types.js'
import { type DeadlinesResult, DisputeDeadlines } from './disputes.deadlines.js'
import { DisputeDecisions } from './disputes.decisions.js'
import { DisputeParties } from './disputes.parties.js'
import { DisputeQueries } from './disputes.queries.js'
import { type DisputeChange, DisputeRecords, type NewDispute } from './disputes.records.js'

export {
  assertDisputable,
  DISPUTE_CLOCKS,
  MAX_DISPUTE_PHOTOS,
  openKeyOf,
  type Settlement,
  settlementOf,
} from './dispute.rules.js'

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

/**
 * Dispute cases between a buyer and a seller over one store order, decided by administrators
 * when the two do not agree. Every step is checked against the transition table (state and
 * actor), written as a compare-and-set with its history entry and its `dispute.updated` event
 * in one update, and told to both parties (inbox and mail, dispute.subscribers.ts). While a case
 * is open the order cannot complete, and whatever of its money already reached the seller's
 * available balance is held back from payouts (`frozenAmount`).
 *
 * This class is the facade of the feature's verbs; the work is in disputes.parties.ts (the
 * buyer's and seller's steps), disputes.decisions.ts (deciding and settling),
 * disputes.deadlines.ts (the job), disputes.queries.ts (the reads), disputes.records.ts (the
 * writes every step shares), dispute.rules.ts (clocks, windows, settlements) and chargebacks.ts.
 */
export class DisputesService {
  private chargebacks: Chargebacks | undefined
  private records: DisputeRecords
  private queries: DisputeQueries
  private decisions: DisputeDecisions
  private parties: DisputeParties
  private deadlines: DisputeDeadlines

  constructor(private deps: DisputesDeps) {
    if (deps.chargebacks)
      this.chargebacks = new Chargebacks(this, { ...deps.chargebacks, logger: deps.logger })
    this.records = new DisputeRecords(deps)
    this.queries = new DisputeQueries(deps, this.records)
    this.decisions = new DisputeDecisions(deps, this.records, this.chargebacks)
    this.parties = new DisputeParties(deps, this.records, this.decisions)
    this.deadlines = new DisputeDeadlines(deps, this.records, this.decisions)
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
    return this.queries.findByPaystack(disputeId, orderId)
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
    return this.parties.open(ctx, orderId, input)
  }

  /**
   * Records a new case and its `dispute.updated` event in one insert; the unique `openKey`
   * refuses a second open case for the same order and source.
   */
  async create(ctx: Ctx, order: AdminOrderDTO, fields: NewDispute): Promise<DisputeDoc> {
    return this.records.create(ctx, order, fields)
  }

  // ---- reading ------------------------------------------------------------------------------

  /** Cases still open (their money frozen). Administrators. */
  async countOpen(ctx: Ctx): Promise<number> {
    return this.queries.countOpen(ctx)
  }

  /** The signed-in buyer's cases, newest first. */
  async listOwn(ctx: Ctx, query: Partial<ListDisputesQuery> = {}): Promise<Page<DisputeDTO>> {
    return this.queries.listOwn(ctx, query)
  }

  /** The seller's store's cases, newest first. */
  async listForSeller(ctx: Ctx, query: Partial<ListDisputesQuery> = {}): Promise<Page<DisputeDTO>> {
    return this.queries.listForSeller(ctx, query)
  }

  /** Every case, by status, source, store, or only overdue ones; administrators. */
  async list(ctx: Ctx, query: Partial<ListDisputesQuery> = {}): Promise<Page<DisputeDTO>> {
    return this.queries.list(ctx, query)
  }

  /**
   * One case, for its buyer, its store's seller or an administrator (anyone else: NotFoundError).
   */
  async get(ctx: Ctx, disputeId: string): Promise<DisputeDTO> {
    return this.queries.get(ctx, disputeId)
  }

  // ---- the parties' steps -------------------------------------------------------------------

  /** A note added to the evidence by the buyer, the seller or an administrator (open cases). */
  async addNote(ctx: Ctx, disputeId: string, input: DisputeNoteBody): Promise<DisputeDTO> {
    return this.parties.addNote(ctx, disputeId, input)
  }

  /**
   * A photo added to the evidence (checked and re-encoded like product images).
   * @throws InvalidStateError `dispute_closed` / `too_many_photos`, and the image errors.
   */
  async addPhoto(ctx: Ctx, disputeId: string, file: UploadedFile): Promise<DisputeDTO> {
    return this.parties.addPhoto(ctx, disputeId, file)
  }

  /** The seller answers with their side; the buyer then has 3 days to escalate. */
  async answer(ctx: Ctx, disputeId: string, input: AnswerDisputeBody): Promise<DisputeDTO> {
    return this.parties.answer(ctx, disputeId, input)
  }

  /**
   * The seller accepts: the buyer gets the whole order back, or `amount` of it, through the
   * refund path; the case is resolved.
   * @throws InvalidStateError `refund_exceeds_paid` for more than is left of the payment.
   */
  async accept(ctx: Ctx, disputeId: string, input: AcceptDisputeBody): Promise<DisputeDTO> {
    return this.parties.accept(ctx, disputeId, input)
  }

  /** The buyer escalates an answered case; an administrator decides within 48 hours. */
  async escalate(
    ctx: Ctx,
    disputeId: string,
    input: EscalateDisputeBody = {},
  ): Promise<DisputeDTO> {
    return this.parties.escalate(ctx, disputeId, input)
  }

  // ---- administrators -----------------------------------------------------------------------

  /**
   * An administrator decides an open case: a full or partial refund through the refund path
   * (commission reversed in proportion), or the money released to the seller. Audit-logged.
   * @throws InvalidStateError `invalid_transition` for a resolved case, `refund_exceeds_paid`.
   */
  async resolve(ctx: Ctx, disputeId: string, input: ResolveDisputeCaseBody): Promise<DisputeDTO> {
    return this.decisions.resolve(ctx, disputeId, input)
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
    return this.decisions.preview(ctx, disputeId, input)
  }

  /** The open platform case of an order (`POST /api/v1/admin/orders/:id/resolve`). */
  async openCaseOf(ctx: Ctx, orderId: string): Promise<DisputeDTO | undefined> {
    return this.queries.openCaseOf(ctx, orderId)
  }

  /**
   * What is held back from a store's payouts: for each open case, the part of its order's money
   * already in the seller's available balance (its release, less refunds taken from available).
   * Money still pending is held by the order itself, which cannot complete while disputed.
   */
  async frozenAmount(ctx: Ctx, storeId: string, currency: Currency): Promise<number> {
    return this.queries.frozenAmount(ctx, storeId, currency)
  }

  // ---- deadlines (the `advance-dispute-deadlines` job) --------------------------------------

  /**
   * Unanswered cases past the seller's 3 days escalate; answered cases the buyer did not
   * escalate within 3 days close for the seller (money released); escalated cases past the
   * 48-hour decision deadline are marked overdue and announced once (the `admin` channel).
   */
  async advanceDeadlines(ctx: Ctx): Promise<DeadlinesResult> {
    requireAdminOrSystem(ctx)
    return this.deadlines.advance(ctx)
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
    return this.queries.chargebacksDueBy(before)
  }

  /** Every case of one Paystack dispute (one per store order its transaction paid). */
  async chargebackCases(disputeId: number): Promise<DisputeDoc[]> {
    return this.queries.chargebackCases(disputeId)
  }

  // ---- what chargebacks.ts shares -------------------------------------------------------------

  /** Moves an open case to `escalated` with its 48-hour decision deadline. */
  async escalateAs(
    ctx: Ctx,
    doc: DisputeDoc,
    actor: DisputeActor,
    note: string,
  ): Promise<DisputeDoc> {
    return this.decisions.escalateAs(ctx, doc, actor, note)
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
    return this.decisions.settle(ctx, doc, actor, settlement)
  }

  /**
   * Finishes decisions whose money never moved (a crash between resolving the case and the
   * refund or release; `advance-dispute-deadlines` runs it). The order's own compare-and-set
   * (`disputed` -> `resolved`) makes the move happen once: an order that already moved only
   * clears the mark. Cases resolved in the last minute are left to the call still running.
   */
  async repairSettlements(ctx: Ctx): Promise<number> {
    return this.decisions.repairSettlements(ctx)
  }

  /** One guarded update of a case carrying its `dispute.updated` event; null when it lost. */
  async record(ctx: Ctx, doc: DisputeDoc, change: DisputeChange): Promise<DisputeDoc | null> {
    return this.records.record(ctx, doc, change)
  }

  /** A case by id. @throws NotFoundError */
  async doc(disputeId: string): Promise<DisputeDoc> {
    return this.records.doc(disputeId)
  }

  /** A case's order, read as the disputes' system actor. */
  async orderFor(orderId: string): Promise<AdminOrderDTO> {
    return this.records.orderFor(orderId)
  }
}
