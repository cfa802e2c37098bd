import { Types } from 'mongoose'
import type { AuditService } from '../audit/audit.service.js'
import { movableTo, op } from '../db/query.js'
import type { AdminOrderDTO } from '../orders/order.types.js'
import type { Ctx } from '../shared/ctx.js'
import { describeActor } from '../shared/ctx.js'
import { ChangedMeanwhileError, NotFoundError, ValidationError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { assertTransition } from '../shared/transitions.js'
import { toCaseDTO, toDecisionDTO } from './fraud.dto.js'
import type { FraudCaseDoc, FraudDecisionDoc, FraudModels } from './fraud.model.js'
import type { ListFraudCasesQuery } from './fraud.schemas.js'
import type { FraudSignals } from './fraud.signals.js'
import type { CaseStatus, FraudCaseDTO, FraudCaseEvidence } from './fraud.types.js'
import { fraudCaseTransitions } from './fraud-case.transitions.js'

const BLOCK_IP_DAYS = 365
const caseNotFound = () => new NotFoundError('Fraud case')
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000
/** Decisions repaired per run of `repair-fraud-cases`. */
const REPAIR_BATCH = 500

type Resolution = NonNullable<FraudCaseDoc['resolution']>
type ConfirmInput = { reason: string; refund: boolean; suspend: boolean; blockIp: boolean }

/** The case a `review` or `hold` decision opens: everything in it comes from the decision. */
export function caseOf(decision: FraudDecisionDoc): FraudCaseDoc {
  return {
    _id: new Types.ObjectId(decision.caseId),
    decisionId: String(decision._id),
    orderGroupId: decision.orderGroupId,
    orderIds: decision.orderIds,
    buyerId: decision.buyerId,
    storeIds: decision.storeIds,
    outcome: decision.outcome as FraudCaseDoc['outcome'],
    status: 'open',
    score: decision.score,
    riskScore: decision.riskScore,
    reasons: decision.fired.map((f) => f.reason),
    openedAt: decision.at,
  }
}

/**
 * Writes the decision's case unless it exists (its id is the decision's `caseId`: a second
 * writer, the screen or a repair, collides and stops), then marks the decision done. Safe to
 * run any number of times, concurrently too.
 */
export async function ensureCaseOf(
  models: Pick<FraudModels, 'cases' | 'decisions'>,
  decision: FraudDecisionDoc,
): Promise<void> {
  if (!decision.caseId) return
  try {
    await models.cases.create(caseOf(decision))
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
  await models.decisions.updateOne({ _id: decision._id }, { $unset: { casePending: 1 } })
}

/**
 * The ways a case's decision reaches money and accounts: the existing paths of orders, refunds,
 * checkout and users (wired in createCore), never their models.
 */
export interface FraudMoneyPaths {
  order(ctx: Ctx, orderId: string): Promise<AdminOrderDTO>
  /** A full refund of a paid order through RefundsService, idempotent on the key. */
  refundOrder(ctx: Ctx, orderId: string, reason: string, idempotencyKey: string): Promise<void>
  /** Cancels an unpaid order group (checkout's cancel: stock back, orders cancelled). */
  cancelUnpaidGroup(ctx: Ctx, orderGroupId: string, reason: string): Promise<boolean>
  /** The seller's share of a completed order whose release a case held back, released now. */
  releaseHeldFunds(ctx: Ctx, orderId: string): Promise<void>
  suspendUser(ctx: Ctx, userId: string, reason: string): Promise<void>
}

export interface CaseDeps {
  models: FraudModels
  signals: FraudSignals
  money: FraudMoneyPaths
  audit: AuditService
  events: EventBus
  logger: Logger
}

/** The review queue: cases with their evidence, cleared or confirmed by an administrator. */
export class FraudCases {
  constructor(private deps: CaseDeps) {}

  async list(query: ListFraudCasesQuery): Promise<Page<FraudCaseDTO>> {
    const filter: Record<string, unknown> = { ...afterIdCursor(query.cursor) }
    if (query.status) filter.status = query.status
    if (query.outcome) filter.outcome = query.outcome
    if (query.buyerId) filter.buyerId = query.buyerId
    const rows = await this.deps.models.cases
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toCaseDTO, idCursorOf)
  }

  private async find(caseId: string): Promise<FraudCaseDoc> {
    if (!/^[0-9a-f]{24}$/.test(caseId)) throw caseNotFound()
    const found = await this.deps.models.cases.findById(caseId).lean()
    if (found) return found
    // Repair on read: a decision written just before a crash names a case never written.
    const decision = await this.deps.models.decisions.findOne({ caseId, casePending: true }).lean()
    if (!decision) throw caseNotFound()
    await ensureCaseOf(this.deps.models, decision)
    return (await this.deps.models.cases.findById(caseId).lean()) ?? Promise.reject(caseNotFound())
  }

  /**
   * Writes the cases that decisions needed and a crash kept from being written (the job
   * `repair-fraud-cases`, and the hold checks for their own order). Returns how many.
   */
  async repairPending(): Promise<number> {
    const pending = await this.deps.models.decisions
      .find({ casePending: true })
      .sort({ _id: 1 })
      .limit(REPAIR_BATCH)
      .lean()
    for (const decision of pending) await ensureCaseOf(this.deps.models, decision)
    if (pending.length > 0) {
      this.deps.logger.warn(
        { repaired: pending.length },
        'fraud cases written from their decisions',
      )
    }
    return pending.length
  }

  /** One case with its evidence: the decision, the orders and their timelines, related accounts. */
  async show(ctx: Ctx, caseId: string): Promise<FraudCaseEvidence> {
    const found = await this.find(caseId)
    const decision = await this.deps.models.decisions.findById(found.decisionId).lean()
    if (!decision) throw caseNotFound()
    const orders = await Promise.all(
      found.orderIds.map((id) =>
        this.deps.money.order(ctx, id).then(
          (o) => ({
            id: o.id,
            status: o.status,
            total: o.total,
            storeId: o.storeId,
            timeline: o.timeline,
          }),
          // A checkout that failed after the decision never wrote its orders.
          () => ({ id, status: 'not_written', total: 0, storeId: '', timeline: [] }),
        ),
      ),
    )
    const [onIp, onDevice] = await Promise.all([
      this.deps.signals.usersOn('ip', decision.ip),
      this.deps.signals.usersOn('dev', decision.deviceId),
    ])
    const relatedAccounts = [
      ...onIp.filter((u) => u !== found.buyerId).map((userId) => ({ userId, via: 'ip' as const })),
      ...onDevice
        .filter((u) => u !== found.buyerId)
        .map((userId) => ({ userId, via: 'device' as const })),
    ]
    return { ...toCaseDTO(found), decision: toDecisionDTO(decision), orders, relatedAccounts }
  }

  /** Compare-and-set from `open`. @throws InvalidStateError when it was resolved meanwhile. */
  private async resolve(
    found: FraudCaseDoc,
    to: 'cleared' | 'confirmed',
    resolution: NonNullable<FraudCaseDoc['resolution']>,
  ): Promise<FraudCaseDoc> {
    assertTransition(fraudCaseTransitions, found.status, to, 'Fraud case')
    const updated = await this.deps.models.cases
      .findOneAndUpdate(
        { _id: found._id, status: movableTo(fraudCaseTransitions, to) },
        { $set: { status: to, resolution } },
        { returnDocument: 'after' },
      )
      .lean()
    if (!updated) {
      throw new ChangedMeanwhileError('case', 'The case was resolved meanwhile; reload it')
    }
    return updated
  }

  /** Not fraud: the holds go (shipping allowed, held shares released). Audit-logged. */
  async clear(ctx: Ctx, caseId: string, reason: string): Promise<FraudCaseDTO> {
    const found = await this.find(caseId)
    const cleared = await this.resolve(found, 'cleared', {
      by: describeActor(ctx.actor),
      reason,
      at: ctx.now,
    })
    for (const orderId of found.orderIds) {
      await this.deps.money.releaseHeldFunds(ctx, orderId).catch((error: unknown) =>
        // Not written (a failed checkout) or nothing to release: nothing was held.
        this.deps.logger.warn({ err: error, orderId }, 'fraud clear: no held share released'),
      )
    }
    await this.deps.audit.record(
      ctx,
      'fraud.case_cleared',
      { type: 'fraud_case', id: caseId },
      { reason },
    )
    await this.deps.events.emit('fraud.case_cleared', {
      caseId,
      orderGroupId: found.orderGroupId,
      buyerId: found.buyerId,
    })
    return toCaseDTO(cleared)
  }

  /**
   * Fraud: unpaid orders are cancelled; with `refund`, paid orders are refunded in full through
   * the refunds service; with `suspend` the buyer is suspended; with `blockIp` the address is
   * blocked. The holds stay. Audit-logged.
   * @throws ValidationError `no_ip` when blockIp is asked and the decision recorded no address.
   */
  async confirm(ctx: Ctx, caseId: string, input: ConfirmInput): Promise<FraudCaseDTO> {
    const found = await this.find(caseId)
    const resolution = await this.confirmationOf(ctx, found, input)
    const confirmed = await this.resolve(found, 'confirmed', resolution)
    await this.cancelUnpaid(ctx, found, resolution)
    if (input.refund) await this.refundPaid(ctx, found, input.reason, resolution)
    if (input.suspend)
      await this.deps.money.suspendUser(ctx, found.buyerId, `fraud confirmed: ${input.reason}`)
    if (resolution.blockedIp) await this.blockIp(ctx, resolution.blockedIp, input.reason)
    const final = await this.deps.models.cases
      .findOneAndUpdate({ _id: found._id }, { $set: { resolution } }, { returnDocument: 'after' })
      .lean()
    await this.announceConfirmed(ctx, found, input, resolution)
    return toCaseDTO(final ?? confirmed)
  }

  /**
   * The resolution a confirmation starts from, checked before anything moves.
   * @throws ValidationError `no_ip` when blockIp is asked and the decision recorded no address.
   */
  private async confirmationOf(
    ctx: Ctx,
    found: FraudCaseDoc,
    input: ConfirmInput,
  ): Promise<Resolution> {
    const decision = await this.deps.models.decisions.findById(found.decisionId).lean()
    if (input.blockIp && !decision?.ip) {
      throw new ValidationError(
        'The checkout of this case has no recorded address',
        undefined,
        'no_ip',
      )
    }
    assertTransition(fraudCaseTransitions, found.status, 'confirmed', 'Fraud case')
    return {
      by: describeActor(ctx.actor),
      reason: input.reason,
      at: ctx.now,
      refunded: [],
      cancelled: [],
      suspended: input.suspend,
      ...(input.blockIp && decision?.ip ? { blockedIp: decision.ip } : {}),
    }
  }

  private async cancelUnpaid(ctx: Ctx, found: FraudCaseDoc, resolution: Resolution): Promise<void> {
    if (await this.deps.money.cancelUnpaidGroup(ctx, found.orderGroupId, 'fraud_confirmed')) {
      resolution.cancelled = [...found.orderIds]
    }
  }

  /** Refunds in full each paid order with something left to refund; failures are noted. */
  private async refundPaid(
    ctx: Ctx,
    found: FraudCaseDoc,
    reason: string,
    resolution: Resolution,
  ): Promise<void> {
    const { money } = this.deps
    const caseId = String(found._id)
    for (const orderId of found.orderIds) {
      const order = await money.order(ctx, orderId).catch(() => undefined)
      if (!order?.paidAt || order.total - order.refundedAmount <= 0) continue
      try {
        await money.refundOrder(
          ctx,
          orderId,
          `fraud confirmed: ${reason}`,
          `fraud-${caseId}-${orderId}`,
        )
        resolution.refunded?.push(orderId)
      } catch (error) {
        // The case is confirmed already (its holds keep the money): the administrator
        // refunds this order with `kloset orders refund` once Paystack answers again.
        this.deps.logger.warn({ err: error, orderId, caseId }, 'fraud confirm: refund failed')
        resolution.refundFailed = [...(resolution.refundFailed ?? []), orderId]
      }
    }
  }

  private async blockIp(ctx: Ctx, ip: string, reason: string): Promise<void> {
    await this.deps.models.overrides.create({
      kind: 'block_ip',
      subject: ip,
      until: new Date(ctx.now.getTime() + BLOCK_IP_DAYS * 86_400_000),
      reason,
      by: describeActor(ctx.actor),
      at: ctx.now,
    })
  }

  private async announceConfirmed(
    ctx: Ctx,
    found: FraudCaseDoc,
    input: ConfirmInput,
    resolution: Resolution,
  ): Promise<void> {
    const caseId = String(found._id)
    await this.deps.audit.record(
      ctx,
      'fraud.case_confirmed',
      { type: 'fraud_case', id: caseId },
      {
        reason: input.reason,
        details: {
          refunded: resolution.refunded,
          ...(resolution.refundFailed ? { refundFailed: resolution.refundFailed } : {}),
          cancelled: resolution.cancelled,
          suspended: input.suspend,
          ...(resolution.blockedIp ? { blockedIp: resolution.blockedIp } : {}),
        },
      },
    )
    await this.deps.events.emit('fraud.case_confirmed', {
      caseId,
      orderGroupId: found.orderGroupId,
      buyerId: found.buyerId,
    })
  }

  /** True while a case holds the order: open `hold` cases and confirmed ones stop shipping. */
  shippingHeld(orderId: string): Promise<boolean> {
    return this.heldBy(orderId, {
      $or: [{ status: 'open', outcome: 'hold' }, { status: 'confirmed' }],
    })
  }

  /** True while a case keeps the seller's share of the order from payout (open or confirmed). */
  payoutHeld(orderId: string): Promise<boolean> {
    return this.heldBy(orderId, { status: op({ $in: ['open', 'confirmed'] as CaseStatus[] }) })
  }

  /**
   * Whether a case of the order matches `holding`. A hold must never be skipped, so a decision
   * whose case a crash kept from being written (`casePending`) has its case written now, then
   * decides. The case and that decision are read together: one round trip before a ship, not two
   * in a row (the ship's latency is its push's).
   */
  private async heldBy(orderId: string, holding: Record<string, unknown>): Promise<boolean> {
    const ofOrder = { orderIds: orderId, ...holding }
    const [held, pending] = await Promise.all([
      this.deps.models.cases.findOne(ofOrder).lean(),
      this.deps.models.decisions.findOne({ orderIds: orderId, casePending: true }).lean(),
    ])
    if (held) return true
    if (!pending) return false
    await ensureCaseOf(this.deps.models, pending)
    return (await this.deps.models.cases.findOne(ofOrder).lean()) !== null
  }
}
