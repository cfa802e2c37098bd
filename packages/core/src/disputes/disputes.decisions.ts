import { op } from '../db/query.js'
import { type Ctx, describeActor, isAdmin, requireRole, systemCtx } from '../shared/ctx.js'
import { AppError } from '../shared/errors.js'
import { formatMoney } from '../shared/money.js'
import { validateInput } from '../shared/validate.js'
import type { Chargebacks } from './chargebacks.js'
import { toDisputeDTO } from './dispute.dto.js'
import type { DisputeDoc } from './dispute.model.js'
import {
  assertOpen,
  DEADLINE_BATCH,
  DISPUTE_CLOCKS,
  type Settlement,
  settlementOf,
} from './dispute.rules.js'
import { type ResolveDisputeCaseBody, resolveDisputeCaseBody } from './dispute.schemas.js'
import type { DisputeActor, DisputeDTO } from './dispute.types.js'
import type { DisputeRecords } from './disputes.records.js'
import type { DisputesDeps } from './disputes.service.js'

/** A resolution younger than this may still be moving its money: the repair leaves it. */
const SETTLE_GRACE_MS = 60_000

/**
 * Deciding cases: an administrator's `resolve` (and its dry run), the escalation to an
 * administrator, the settlement (the case first, then the order and its money), and the repair
 * of settlements a crash left half done.
 */
export class DisputeDecisions {
  constructor(
    private deps: DisputesDeps,
    private records: DisputeRecords,
    private chargebacks: Pick<Chargebacks, 'settleMoney'> | undefined,
  ) {}

  /** See `DisputesService.resolve`. */
  async resolve(ctx: Ctx, disputeId: string, input: ResolveDisputeCaseBody): Promise<DisputeDTO> {
    requireRole(ctx, 'admin')
    const body = validateInput(resolveDisputeCaseBody, input)
    const doc = await this.records.doc(disputeId)
    const order = await this.records.orderFor(doc.orderId)
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

  /** See `DisputesService.preview`. */
  async preview(
    ctx: Ctx,
    disputeId: string,
    input: ResolveDisputeCaseBody,
  ): Promise<{ dispute: DisputeDTO; settlement: Settlement; refundable: number }> {
    requireRole(ctx, 'admin')
    const body = validateInput(resolveDisputeCaseBody, input)
    const doc = await this.records.doc(disputeId)
    assertOpen(doc)
    const order = await this.records.orderFor(doc.orderId)
    return {
      dispute: toDisputeDTO(doc),
      settlement: settlementOf(order, body),
      refundable: order.total - order.refundedAmount,
    }
  }

  /** Moves an open case to `escalated` with its 48-hour decision deadline. */
  async escalateAs(
    ctx: Ctx,
    doc: DisputeDoc,
    actor: DisputeActor,
    note: string,
  ): Promise<DisputeDoc> {
    const adminDueAt = new Date(ctx.now.getTime() + DISPUTE_CLOCKS.adminHours * 3600_000)
    return this.records.move(ctx, doc, actor, 'escalated', {
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
    const resolved = await this.records.move(ctx, doc, actor, 'resolved', {
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

  /** See `DisputesService.repairSettlements`. */
  async repairSettlements(ctx: Ctx): Promise<number> {
    const before = new Date(ctx.now.getTime() - SETTLE_GRACE_MS)
    const pending = await this.deps.disputes
      .find({ settlementPending: true, updatedAt: op({ $lte: before }) })
      .limit(DEADLINE_BATCH)
      .lean()
    let repaired = 0
    for (const doc of pending) {
      const order = await this.records.orderFor(doc.orderId)
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

  private async settled(doc: DisputeDoc): Promise<void> {
    if (!doc.settlementPending) return
    await this.deps.disputes.updateOne({ _id: doc._id }, { $unset: { settlementPending: 1 } })
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
}
