import { Types } from 'mongoose'
import type { InventoryService } from '../catalog/inventory.service.js'
import { movableTo, op } from '../db/query.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import type { PaystackTransaction } from '../payments/paystack/paystack.types.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, describeActor, requireRole, systemCtx } from '../shared/ctx.js'
import { AppError, ForbiddenError, InvalidStateError, NotFoundError } from '../shared/errors.js'
import type { DomainEvents, EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import type { Currency } from '../shared/money.js'
import { validateInput } from '../shared/validate.js'
import type { StoreLookup } from '../stores/store.types.js'
import { sealAddress } from './address.cipher.js'
import type { CartService, PricedCartLine } from './cart.service.js'
import { draftCheckout, type OrderDraft } from './checkout.drafts.js'
import type { FraudPort } from './fraud.port.js'
import type { IdempotencyService, IdempotentResponse } from './idempotency.service.js'
import { toOrderDTO, toOrderGroupDTO } from './order.dto.js'
import type { OrderGroupDoc } from './order.model.js'
import type { OrderRecords } from './order.records.js'
import { type CheckoutBody, checkoutBody } from './order.schemas.js'
import { assertOrderMove, orderActorOf } from './order.transitions.js'
import type { CheckoutResult, CheckoutStatus, OrderGroupStatus } from './order.types.js'
import {
  awaitsPayment,
  isUnpaidGroup,
  orderGroupTransitions,
  UNPAID_GROUP_STATUSES,
  type UnpaidGroupStatus,
} from './order-group.transitions.js'
import type { OrderMail, People } from './order-mail.js'
import {
  PaymentConfirmation,
  type PaymentOutcome,
  type PaymentSource,
} from './payment-confirmation.js'

/** The clocks of the order lifecycle; each can be changed (tests, operations). */
export interface OrderTimers {
  /** How long a checkout holds stock waiting for payment (default 30 minutes). */
  paymentWindowSeconds: number
  /** A shipped order counts as delivered after this many days (default 14). */
  autoDeliverAfterDays: number
  /** A delivered order completes, and the seller's share is released, after this (default 7). */
  returnWindowDays: number
}

export interface CheckoutDeps {
  records: OrderRecords
  cart: CartService
  inventory: Pick<InventoryService, 'reserve' | 'commit' | 'release'>
  paystack: Pick<PaystackClient, 'initializeTransaction' | 'verifyTransaction' | 'createRefund'>
  ledger: Pick<LedgerService, 'recordSale' | 'recordProcessingFee'>
  idempotency: IdempotencyService
  mail: OrderMail
  people: People
  stores: StoreLookup
  events: EventBus
  clock: Clock
  logger: Logger
  publicUrl: string
  timers: OrderTimers
  /** The fraud screen (fraud feature); without it every checkout is allowed. */
  fraud?: Pick<FraudPort, 'screen'>
}

export type { PaymentOutcome, PaymentSource } from './payment-confirmation.js'

const CURRENCY: Currency = 'NGN'
const SWEEP_BATCH = 200
/** A checkout unconfirmed this long after it started is asked about at Paystack (a lost webhook). */
export const PAYMENT_RECHECK_AFTER_MINUTES = 5

const groupNotFound = () => new NotFoundError('Order group')

/** The public payment status asks Paystack at most this often per reference. */
const PUBLIC_RECHECK_MS = 5_000

/** The checkout return page's view of a payment: nothing that names the buyer. */
export interface PublicPaymentStatus {
  reference: string
  status: OrderGroupStatus
}

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

/**
 * Checkout and payment confirmation. No transactions on our engine, so checkout is ordered
 * steps with compensation, and the order group is written first (`creating`) so that a crashed
 * checkout is recognisable and swept:
 *   group `creating` -> reserve stock (all or nothing) -> orders `pending` -> Paystack
 *   initialize -> group `awaiting_payment`.
 * A failure undoes what was done (stock released, group and orders cancelled) before the error
 * reaches the caller (`COMPENSATED_STEPS`). Confirmation (payment-confirmation.ts) trusts only
 * Paystack's verify endpoint, and every step of it is a compare-and-set or an idempotent ledger
 * posting, so any number of deliveries of the same charge (in any order, concurrently) credit
 * once.
 */
export class CheckoutService {
  private confirmation: PaymentConfirmation
  /** When the public payment status last asked Paystack, per reference (paymentStatus). */
  private publicRechecks = new Map<string, number>()

  constructor(private deps: CheckoutDeps) {
    this.confirmation = new PaymentConfirmation(deps)
  }

  /** The `paystack.event_received` subscriber: a charge.success confirms its checkout. */
  async onPaystackEvent(event: DomainEvents['paystack.event_received']): Promise<void> {
    if (event.paystackEvent !== 'charge.success' || !event.reference) return
    await this.confirmPayment(
      systemCtx('payments.charge_success', this.deps.clock.now()),
      event.reference,
      'webhook',
    )
  }

  /**
   * Turns the buyer's cart into an order group with one order per store and starts one
   * Paystack payment for all of it. Idempotent on the `Idempotency-Key`.
   * @throws ValidationError (key, body), InvalidStateError `cart_empty` / `cart_has_issues`,
   *   ForbiddenError `own_store`, ConflictError `insufficient_stock` / `idempotency_in_progress`,
   *   UnprocessableError `idempotency_key_reused`, UnavailableError when Paystack is down.
   */
  async checkout(
    ctx: Ctx,
    input: CheckoutBody,
    idempotencyKey: string | null | undefined,
  ): Promise<IdempotentResponse<CheckoutResult>> {
    const buyerId = requireRole(ctx, 'buyer', 'seller')
    const body = validateInput(checkoutBody, input)
    return this.deps.idempotency.run(
      ctx,
      { scope: 'checkout', key: idempotencyKey, request: body },
      async () => ({ status: 201, body: await this.place(ctx, buyerId, body) }),
    )
  }

  /**
   * The checkout, step by step: check the cart, draft one order per store, write the group
   * (`creating`), then the compensated steps (`COMPENSATED_STEPS`: reserve the stock, write
   * the orders, start the Paystack payment), then publish the group (`awaiting_payment`) and
   * clear the bought lines from the cart.
   */
  private async place(ctx: Ctx, buyerId: string, input: CheckoutBody): Promise<CheckoutResult> {
    const priced = await this.checkedCart(ctx, buyerId)
    const buyer = await this.deps.people.get(systemCtx('checkout', ctx.now), buyerId)
    const { drafts, total } = draftCheckout(priced)
    const groupId = new Types.ObjectId()
    const reference = `kg-${groupId}`
    // Before anything is written: a declined checkout leaves no group, no hold, no payment.
    await this.deps.fraud?.screen(ctx, {
      orderGroupId: String(groupId),
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

  /**
   * Where a checkout stands, for the buyer's app after the redirect; while unpaid it asks
   * Paystack (the webhook may be late). @throws NotFoundError for anyone but the buyer.
   */
  async status(ctx: Ctx, reference: string): Promise<CheckoutStatus> {
    const buyerId = requireRole(ctx, 'buyer', 'seller')
    const found = await this.deps.records.groups.findOne({ reference }).lean()
    if (!found || found.buyerId !== buyerId) throw groupNotFound()
    if (awaitsPayment(found.status)) await this.confirmPayment(ctx, reference, 'poll')
    const group = (await this.deps.records.groups.findById(found._id).lean()) ?? found
    const orders = await this.deps.records.orders
      .find({ groupId: String(group._id) })
      .sort({ _id: 1 })
      .lean()
    return { orderGroup: toOrderGroupDTO(group), orders: orders.map(toOrderDTO) }
  }

  /**
   * What the checkout return page shows whoever holds the Paystack reference (it is in the
   * redirect URL): the group's status only, no buyer, items or amounts. While unpaid it asks
   * Paystack (a late webhook) at most once per PUBLIC_RECHECK_MS per reference, so a page left
   * open, or someone replaying the URL, cannot turn into a stream of Paystack calls.
   * @throws NotFoundError for an unknown reference.
   */
  async paymentStatus(ctx: Ctx, reference: string): Promise<PublicPaymentStatus> {
    if (reference.length > 100) throw groupNotFound()
    const found = await this.deps.records.groups.findOne({ reference }).lean()
    if (!found) throw groupNotFound()
    let status = found.status
    const now = ctx.now.getTime()
    if (
      awaitsPayment(status) &&
      now - (this.publicRechecks.get(reference) ?? 0) >= PUBLIC_RECHECK_MS
    ) {
      if (this.publicRechecks.size >= 10_000) this.publicRechecks.clear()
      this.publicRechecks.set(reference, now)
      try {
        await this.confirmPayment(ctx, reference, 'poll')
        status = (await this.deps.records.groups.findById(found._id).lean())?.status ?? status
      } catch (error) {
        // Paystack slow or down: the page shows what the webhook has told us so far.
        this.deps.logger.warn({ err: error, reference }, 'public payment status: recheck failed')
      }
    }
    return { reference, status }
  }

  /**
   * Acts on a claim that `reference` was paid (a webhook, a poll, the expiry sweep): asks
   * Paystack, and only a successful transaction of the group's reference, amount and currency
   * pays the group (payment-confirmation.ts).
   */
  confirmPayment(ctx: Ctx, reference: string, source: PaymentSource): Promise<PaymentOutcome> {
    return this.confirmation.confirm(ctx, reference, source)
  }

  /**
   * Cancels an unpaid group: compare-and-set on its status, then its stock back and its pending
   * orders cancelled (actor from `ctx`: the buyer, or a job). Returns false when it was not in
   * `from` any more.
   */
  async cancelGroup(
    ctx: Ctx,
    groupId: string,
    from: UnpaidGroupStatus,
    reason: string,
    reservationId?: string,
  ): Promise<boolean> {
    const { records, inventory, logger } = this.deps
    const group = await records.groups
      .findOneAndUpdate(
        { _id: groupId, status: from },
        { $set: { status: 'cancelled', cancelledAt: ctx.now, cancelReason: reason } },
        { returnDocument: 'after' },
      )
      .lean()
    if (!group) return false
    const held = reservationId ?? group.reservationId
    if (held) {
      await inventory
        .release(systemCtx('checkout.cancel', ctx.now), held, reason)
        .catch((error: unknown) =>
          logger.error(
            { err: error, orderGroupId: groupId },
            'stock not released for a cancelled group',
          ),
        )
    }
    const orders = await records.orders.find({ groupId, status: 'pending' }).lean()
    for (const order of orders) {
      const cancelled = await records.move(ctx, order._id, 'pending', 'cancelled', {
        reason,
        set: { cancelledAt: ctx.now, cancelReason: reason },
      })
      if (cancelled && from === 'awaiting_payment') {
        await this.deps.mail.updated(
          cancelled,
          { buyer: true, seller: false },
          'cancelled before payment',
          'No money was taken.',
        )
      }
    }
    return true
  }

  /**
   * The `expire-unpaid-orders` job: groups past their payment window are asked of Paystack once
   * more (a late webhook must not lose a paid order), then cancelled with their stock released.
   * Crashed checkouts (`creating`) are cancelled the same way.
   */
  async expireUnpaid(ctx: Ctx): Promise<{ expired: number; paid: number; skipped: number }> {
    requireRole(ctx, 'admin')
    const due = await this.deps.records.groups
      .find({
        status: op({ $in: UNPAID_GROUP_STATUSES }),
        expiresAt: op({ $lte: ctx.now }),
      })
      .sort({ expiresAt: 1 })
      .limit(SWEEP_BATCH)
      .lean()
    const counts = { expired: 0, paid: 0, skipped: 0 }
    for (const group of due) {
      if (awaitsPayment(group.status)) {
        let transaction: PaystackTransaction | undefined
        try {
          transaction = await this.confirmation.paidTransaction(group.reference)
        } catch (error) {
          this.deps.logger.warn(
            { err: error, reference: group.reference },
            'expiry: Paystack unreachable; next run',
          )
          counts.skipped++
          continue
        }
        if (transaction) {
          await this.confirmPayment(ctx, group.reference, 'expiry')
          counts.paid++
          continue
        }
      }
      assertOrderMove(orderActorOf(ctx), 'pending', 'cancelled')
      // The filter above found it unpaid; a group paid since is left to the compare-and-set.
      const from = isUnpaidGroup(group.status) ? group.status : 'awaiting_payment'
      if (await this.cancelGroup(ctx, String(group._id), from, 'payment_expired')) counts.expired++
    }
    return counts
  }

  /**
   * The timed job (`recheck-unconfirmed-payments`): checkouts still awaiting payment
   * `PAYMENT_RECHECK_AFTER_MINUTES` after they started, and not yet expired, are asked about at
   * Paystack, so a paid checkout whose `charge.success` webhook was lost is confirmed without
   * waiting for its payment window to close. Unreachable Paystack: the next run tries again.
   */
  async recheckUnconfirmed(ctx: Ctx): Promise<{ checked: number; paid: number; skipped: number }> {
    requireRole(ctx, 'admin')
    // Started before `ctx.now - N min` <=> expires before that plus the payment window.
    const startedBefore = ctx.now.getTime() - PAYMENT_RECHECK_AFTER_MINUTES * 60_000
    const due = await this.deps.records.groups
      .find({
        status: 'awaiting_payment',
        expiresAt: op({
          $gt: ctx.now,
          $lte: new Date(startedBefore + this.deps.timers.paymentWindowSeconds * 1000),
        }),
      })
      .sort({ expiresAt: 1 })
      .limit(SWEEP_BATCH)
      .lean()
    const counts = { checked: 0, paid: 0, skipped: 0 }
    for (const group of due) {
      try {
        const outcome = await this.confirmPayment(ctx, group.reference, 'recheck')
        counts.checked++
        if (outcome === 'paid') counts.paid++
      } catch (error) {
        this.deps.logger.warn(
          { err: error, reference: group.reference },
          'payment re-check: Paystack unreachable; next run',
        )
        counts.skipped++
      }
    }
    return counts
  }

  /**
   * The buyer cancels an unpaid order: its whole group goes (one payment covers every store's
   * order). A payment that already went through wins: the order is confirmed instead.
   * @throws InvalidStateError `already_paid`
   */
  async cancelUnpaid(ctx: Ctx, group: OrderGroupDoc, reason: string): Promise<void> {
    if (awaitsPayment(group.status)) {
      const transaction = await this.confirmation.paidTransaction(group.reference)
      if (transaction) {
        await this.confirmPayment(ctx, group.reference, 'cancel')
        throw new InvalidStateError(
          'The payment for this order already went through; cancel it again to get a refund',
          'already_paid',
        )
      }
    }
    if (!isUnpaidGroup(group.status)) {
      throw new InvalidStateError(`The order group is ${group.status}`, 'invalid_transition')
    }
    const done = await this.cancelGroup(ctx, String(group._id), group.status, reason)
    if (!done)
      throw new InvalidStateError('The order changed meanwhile; reload it', 'order_changed')
  }
}

function reasonOf(error: unknown): string {
  return error instanceof AppError ? error.code : 'checkout_failed'
}
