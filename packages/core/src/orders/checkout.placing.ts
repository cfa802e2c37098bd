import { Types } from 'mongoose'
import { movableTo } from '../db/query.js'
import { type Ctx, describeActor, systemCtx } from '../shared/ctx.js'
import { AppError, ForbiddenError, InvalidStateError } from '../shared/errors.js'
import type { Currency } from '../shared/money.js'
import { sealAddress } from './address.cipher.js'
import type { PricedCartLine } from './cart.service.js'
import { draftCheckout, type OrderDraft } from './checkout.drafts.js'
import type { CheckoutDeps } from './checkout.service.js'
import { paymentReferenceOf, toOrderDTO, toOrderGroupDTO } from './order.dto.js'
import type { OrderGroupDoc } from './order.model.js'
import type { CheckoutBody } from './order.schemas.js'
import type { CheckoutResult } from './order.types.js'
import { orderGroupTransitions, type UnpaidGroupStatus } from './order-group.transitions.js'

const CURRENCY: Currency = 'NGN'

/** What a checkout writes: the group, its buyer and its orders. */
interface CheckoutPlan {
  groupId: Types.ObjectId
  buyerId: string
  drafts: OrderDraft[]
  input: CheckoutBody
}

/** What a failed step's compensation must undo: the group, and the stock hold once it exists. */
interface CheckoutProgress {
  groupId: string
  reservationId?: string
}

/**
 * The compensation list: the checkout steps that run after the group is written, with the
 * reason a failure of each is recorded under (the group's `cancelReason`) and whether it is
 * logged. Each failure is undone the same way, by cancelling the group (see `compensated`).
 */
const COMPENSATED_STEPS = {
  /** Stock for every line, all or nothing; its refusal (`insufficient_stock`) is the reason. */
  reserve_stock: { reason: (error: unknown) => reasonOf(error), warn: false },
  write_orders: { reason: () => 'orders_not_written', warn: true },
  start_payment: { reason: () => 'payment_init_failed', warn: true },
} as const satisfies Record<string, { reason: (error: unknown) => string; warn: boolean }>
type CompensatedStep = keyof typeof COMPENSATED_STEPS

/** How a failed step cancels the group it opened (`CheckoutService.cancelGroup`). */
type CancelGroup = (
  ctx: Ctx,
  groupId: string,
  from: UnpaidGroupStatus,
  reason: string,
  reservationId?: string,
) => Promise<boolean>

/**
 * Placing a checkout, step by step. No transactions on our engine, so it is ordered steps with
 * compensation, and the order group is written first (`creating`) so that a crashed checkout
 * is recognisable and swept:
 *   fraud screen -> group `creating` -> reserve stock (all or nothing) -> orders `pending` ->
 *   Paystack initialize -> group `awaiting_payment` -> cart cleared.
 * A failure undoes what was done (stock released, group and orders cancelled) before the error
 * reaches the caller (`COMPENSATED_STEPS`).
 */
export class CheckoutPlacing {
  constructor(
    private deps: CheckoutDeps,
    private cancelGroup: CancelGroup,
  ) {}

  /**
   * The checkout, step by step: check the cart, draft one order per store, write the group
   * (`creating`), then the compensated steps (`COMPENSATED_STEPS`: reserve the stock, write
   * the orders, start the Paystack payment), then publish the group (`awaiting_payment`) and
   * clear the bought lines from the cart.
   */
  async place(ctx: Ctx, buyerId: string, input: CheckoutBody): Promise<CheckoutResult> {
    const priced = await this.checkedCart(ctx, buyerId)
    const buyer = await this.deps.people.get(systemCtx('checkout', ctx.now), buyerId)
    const { drafts, total } = draftCheckout(priced)
    const groupId = new Types.ObjectId()
    const reference = paymentReferenceOf(String(groupId))
    // Before anything is written: a declined checkout leaves no group, no hold, no payment.
    await this.screen(ctx, String(groupId), buyerId, input, drafts, total)
    await this.openGroup(ctx, { groupId, reference, buyerId, drafts, total, input })
    const progress: CheckoutProgress = { groupId: String(groupId) }
    const reservation = await this.compensated(ctx, 'reserve_stock', progress, () =>
      this.deps.inventory.reserve(
        ctx,
        priced.map((p) => ({ variantId: p.line.variantId, quantity: p.line.quantity })),
        this.deps.timers.paymentWindowSeconds,
        { orderGroupId: String(groupId) },
      ),
    )
    progress.reservationId = reservation.id
    await this.compensated(ctx, 'write_orders', progress, () =>
      this.writeOrders(ctx, { groupId, buyerId, drafts, input }, reservation.id),
    )
    const checkout = await this.compensated(ctx, 'start_payment', progress, () =>
      this.deps.paystack.initializeTransaction({
        email: buyer.email,
        amount: total,
        currency: CURRENCY,
        reference,
        callbackUrl: `${this.deps.publicUrl}/checkout/complete`,
        metadata: { order_group_id: String(groupId), order_ids: drafts.map((d) => String(d._id)) },
      }),
    )
    const group = await this.publishGroup(groupId, checkout.authorizationUrl)
    await this.deps.cart
      .removeBought(
        buyerId,
        priced.map((p) => p.line.id),
      )
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, buyerId }, 'cart not cleared after checkout'),
      )
    const orders = await this.deps.records.orders
      .find({ groupId: String(groupId) })
      .sort({ _id: 1 })
      .lean()
    return {
      orderGroup: toOrderGroupDTO(group),
      orders: orders.map(toOrderDTO),
      payment: { authorizationUrl: checkout.authorizationUrl, reference },
    }
  }

  /** The fraud screen (when the fraud feature is wired), with what the checkout would write. */
  private async screen(
    ctx: Ctx,
    orderGroupId: string,
    buyerId: string,
    input: CheckoutBody,
    drafts: OrderDraft[],
    total: number,
  ): Promise<void> {
    await this.deps.fraud?.screen(ctx, {
      orderGroupId,
      buyerId,
      ...(input.deviceId ? { deviceId: input.deviceId } : {}),
      total,
      orders: drafts.map((d) => ({
        id: String(d._id),
        storeId: d.store.id,
        storeOwnerId: d.store.ownerId,
        storeCreatedAt: d.store.createdAt,
        lines: d.lines.map((l) => ({ productId: l.productId, unitPrice: l.unitPrice })),
      })),
    })
  }

  /**
   * The buyer's cart, priced, if it can be bought.
   * @throws InvalidStateError `cart_empty` / `cart_has_issues`, ForbiddenError `own_store`.
   */
  private async checkedCart(ctx: Ctx, buyerId: string): Promise<PricedCartLine[]> {
    const priced = await this.deps.cart.priced(ctx, buyerId)
    if (priced.length === 0) throw new InvalidStateError('Your cart is empty', 'cart_empty')
    const troubled = priced.filter((p) => p.issues.length > 0)
    if (troubled.length > 0) {
      throw new InvalidStateError('Some items in your cart need attention', 'cart_has_issues', {
        lines: troubled.map((p) => ({ id: p.line.id, issues: p.issues })),
      })
    }
    if (priced.some((p) => p.variant?.store.ownerId === buyerId)) {
      throw new ForbiddenError('You cannot buy from your own store', 'own_store')
    }
    return priced
  }

  /** Writes the group `creating`: a checkout that crashes after this is recognisable and swept. */
  private async openGroup(ctx: Ctx, plan: CheckoutPlan & { reference: string; total: number }) {
    await this.deps.records.groups.create({
      _id: plan.groupId,
      buyerId: plan.buyerId,
      status: 'creating',
      reference: plan.reference,
      total: plan.total,
      currency: CURRENCY,
      orderIds: plan.drafts.map((d) => String(d._id)),
      shippingAddress: sealAddress(plan.input.shippingAddress),
      expiresAt: new Date(ctx.now.getTime() + this.deps.timers.paymentWindowSeconds * 1000),
    })
  }

  /**
   * Runs one compensated step. When it fails, the group is cancelled (compare-and-set from
   * `creating`), which gives back the stock held so far and cancels the orders written so far,
   * and then the step's error reaches the caller.
   */
  private async compensated<T>(
    ctx: Ctx,
    step: CompensatedStep,
    progress: CheckoutProgress,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run()
    } catch (error) {
      const { reason, warn } = COMPENSATED_STEPS[step]
      const why = reason(error)
      if (warn) {
        this.deps.logger.warn({ err: error, orderGroupId: progress.groupId }, `checkout ${why}`)
      }
      const compensationCtx = systemCtx('checkout.compensate', ctx.now)
      await this.cancelGroup(
        compensationCtx,
        progress.groupId,
        'creating',
        why,
        progress.reservationId,
      )
      throw error
    }
  }

  /** Writes the orders `pending` (one per store) and records the group's stock hold. */
  private async writeOrders(ctx: Ctx, plan: CheckoutPlan, reservationId: string): Promise<void> {
    const { records } = this.deps
    const actor = describeActor(ctx.actor)
    await records.orders.insertMany(
      plan.drafts.map((d) => ({
        _id: d._id,
        groupId: String(plan.groupId),
        buyerId: plan.buyerId,
        storeId: d.store.id,
        storeName: d.store.name,
        status: 'pending',
        lines: d.lines,
        subtotal: d.subtotal,
        shipping: d.shipping,
        total: d.total,
        currency: CURRENCY,
        commissionRateBps: d.store.commissionRateBps,
        refundedAmount: 0,
        shippingAddress: sealAddress(plan.input.shippingAddress),
        saleRecorded: false,
        fundsReleased: false,
        timeline: [
          {
            kind: 'transition',
            from: null,
            to: 'pending',
            actor,
            reason: 'checkout',
            at: ctx.now,
          },
        ],
      })),
    )
    await records.groups.updateOne(
      { _id: plan.groupId, status: movableTo(orderGroupTransitions, 'awaiting_payment') },
      { $set: { reservationId } },
    )
  }

  /**
   * The group's payment link is out: `creating` -> `awaiting_payment`.
   * @throws InvalidStateError `checkout_cancelled` when it was cancelled meanwhile.
   */
  private async publishGroup(
    groupId: Types.ObjectId,
    authorizationUrl: string,
  ): Promise<OrderGroupDoc> {
    const group = await this.deps.records.groups
      .findOneAndUpdate(
        { _id: groupId, status: movableTo(orderGroupTransitions, 'awaiting_payment') },
        { $set: { status: 'awaiting_payment', authorizationUrl } },
        { returnDocument: 'after' },
      )
      .lean()
    if (!group)
      throw new InvalidStateError('The checkout was cancelled meanwhile', 'checkout_cancelled')
    return group
  }
}

function reasonOf(error: unknown): string {
  return error instanceof AppError ? error.code : 'checkout_failed'
}
