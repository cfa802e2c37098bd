import type { Ctx } from '../shared/ctx.js'
import { AppError, ChangedMeanwhileError } from '../shared/errors.js'
import type { OrderDoc } from './order.model.js'
import type { MoveExtras, MoveTarget } from './order.records.js'
import { assertOrderMove } from './order.transitions.js'
import type { OrderActor } from './order.types.js'
import type { OrdersDeps } from './orders.service.js'

/**
 * The steps every order move shares: the checked compare-and-set, delivery (with its mail),
 * and the release of the seller's share in the ledger.
 */
export class OrderSteps {
  constructor(private deps: OrdersDeps) {}

  /** Moves an order to delivered and mails both parties that returns are open. */
  async deliver(
    ctx: Ctx,
    actor: OrderActor | undefined,
    order: OrderDoc,
    reason: string,
    extras: MoveExtras & { set?: Record<string, unknown> } = {},
  ): Promise<OrderDoc> {
    const delivered = await this.moveOrThrow(ctx, actor, order, 'delivered', {
      ...extras,
      reason,
      set: { ...extras.set, deliveredAt: ctx.now },
    })
    await this.deps.mail.updated(
      delivered,
      { buyer: true, seller: true },
      'delivered',
      `Returns are open for ${this.deps.timers.returnWindowDays} days.`,
    )
    return delivered
  }

  /** The seller's share to available, once (the ledger's key makes a replay harmless). */
  async releaseFunds(ctx: Ctx, order: OrderDoc): Promise<void> {
    if (!order.saleRecorded || order.fundsReleased) return
    // A fraud case holds the share until it is cleared (then `releaseHeldFunds`).
    if (await this.deps.holds?.payoutHeld(String(order._id))) return
    try {
      await this.deps.ledger.releaseToAvailable(ctx, {
        orderId: String(order._id),
        storeId: order.storeId,
        currency: order.currency,
      })
    } catch (error) {
      // A fully refunded order has nothing left to release.
      if (!(error instanceof AppError && error.code === 'nothing_to_release')) throw error
    }
    await this.deps.records.orders.updateOne(
      { _id: order._id, fundsReleased: false },
      { $set: { fundsReleased: true } },
    )
  }

  /** The move, checked against the table (state and actor). @throws InvalidStateError */
  async moveOrThrow(
    ctx: Ctx,
    actor: OrderActor | undefined,
    order: OrderDoc,
    to: MoveTarget,
    options: { reason?: string; set?: Record<string, unknown> } & MoveExtras,
  ): Promise<OrderDoc> {
    assertOrderMove(actor, order.status, to)
    const moved = await this.deps.records.move(ctx, order, order.status, to, options)
    if (!moved) throw new ChangedMeanwhileError('order')
    return moved
  }
}

/** A timer that lost a race to a person (a dispute, a confirmation) just skips the order. */
export function skipChanged(error: unknown): undefined {
  if (
    error instanceof AppError &&
    (error.code === 'changed_meanwhile' || error.code === 'invalid_transition')
  )
    return undefined
  throw error
}
