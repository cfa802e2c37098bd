import { Types } from 'mongoose'
import type { InventoryService } from '../catalog/inventory.service.js'
import { op } from '../db/query.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import { PaystackRejectedError } from '../payments/paystack/paystack.errors.js'
import type { PaystackTransaction } from '../payments/paystack/paystack.types.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, describeActor, requireRole, systemCtx } from '../shared/ctx.js'
import { AppError, ForbiddenError, InvalidStateError, NotFoundError } from '../shared/errors.js'
import type { DomainEvents, EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import { assertMinorUnits, type Currency } from '../shared/money.js'
import { validateInput } from '../shared/validate.js'
import type { StoreLookup } from '../stores/store.types.js'
import type { CartService, PricedCartLine } from './cart.service.js'
import type { CatalogVariant } from './catalog-view.js'
import type { IdempotencyService, IdempotentResponse } from './idempotency.service.js'
import { toOrderDTO, toOrderGroupDTO } from './order.dto.js'
import type { OrderDoc, OrderGroupDoc, OrderLineDoc } from './order.model.js'
import type { OrderRecords } from './order.records.js'
import { type CheckoutBody, checkoutBody } from './order.schemas.js'
import { assertOrderMove, orderActorOf } from './order.transitions.js'
import type { CheckoutResult, CheckoutStatus, OrderGroupStatus } from './order.types.js'
import type { OrderMail, People } from './order-mail.js'

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
  ledger: Pick<LedgerService, 'recordSale'>
  idempotency: IdempotencyService
  mail: OrderMail
  people: People
  stores: StoreLookup
  events: EventBus
  clock: Clock
  logger: Logger
  publicUrl: string
  timers: OrderTimers
}

export type PaymentSource = 'webhook' | 'poll' | 'expiry' | 'cancel' | 'recheck'

export type PaymentOutcome =
  | 'paid'
  | 'already_paid'
  | 'not_paid'
  | 'unknown_reference'
  | 'mismatch'
  | 'flagged'

const CURRENCY: Currency = 'NGN'
const SWEEP_BATCH = 200
/** A checkout unconfirmed this long after it started is asked about at Paystack (a lost webhook). */
export const PAYMENT_RECHECK_AFTER_MINUTES = 5
const UNPAID: OrderGroupStatus[] = ['creating', 'awaiting_payment']

const groupNotFound = () => new NotFoundError('Order group')
const isCommitted = (error: unknown) =>
  error instanceof AppError &&
  error.code === 'reservation_not_active' &&
  (error.details as { status?: string } | undefined)?.status === 'committed'

interface OrderDraft {
  _id: Types.ObjectId
  store: CatalogVariant['store']
  lines: OrderLineDoc[]
  subtotal: number
  shipping: number
  total: number
}

/** Groups cart lines into one order per store, prices from the catalog, totals in kobo. */
function draftOrders(priced: PricedCartLine[]): OrderDraft[] {
  const byStore = new Map<string, OrderDraft>()
  for (const { line, variant } of priced) {
    if (!variant) continue
    const draft = byStore.get(variant.storeId) ?? {
      _id: new Types.ObjectId(),
      store: variant.store,
      lines: [],
      subtotal: 0,
      shipping: 0,
      total: 0,
    }
    const lineTotal = assertMinorUnits(variant.price * line.quantity)
    draft.lines.push({
      variantId: variant.variantId,
      productId: variant.productId,
      title: variant.title,
      options: variant.options.map((o) => ({ name: o.name, value: o.value })),
      sku: variant.sku,
      unitPrice: variant.price,
      quantity: line.quantity,
      lineTotal,
    })
    draft.subtotal = assertMinorUnits(draft.subtotal + lineTotal)
    byStore.set(variant.storeId, draft)
  }
  // Shipping is free for now; the total is still computed, never assumed.
  for (const draft of byStore.values())
    draft.total = assertMinorUnits(draft.subtotal + draft.shipping)
  return [...byStore.values()]
}

/**
 * Checkout and payment confirmation. No transactions on our engine, so checkout is ordered
 * steps with compensation, and the order group is written first (`creating`) so that a crashed
 * checkout is recognisable and swept:
 *   group `creating` -> reserve stock (all or nothing) -> orders `pending` -> Paystack
 *   initialize -> group `awaiting_payment`.
 * A failure undoes what was done (stock released, group and orders cancelled) before the error
 * reaches the caller. Confirmation trusts only Paystack's verify endpoint, and every step of it
 * is a compare-and-set or an idempotent ledger posting, so any number of deliveries of the
 * same charge (in any order, concurrently) credit once.
 */
export class CheckoutService {
  constructor(private deps: CheckoutDeps) {}

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

  private async place(ctx: Ctx, buyerId: string, input: CheckoutBody): Promise<CheckoutResult> {
    const { records, inventory, paystack, timers } = this.deps
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
    const buyer = await this.deps.people.get(systemCtx('checkout', ctx.now), buyerId)
    const drafts = draftOrders(priced)
    const total = drafts.reduce((sum, d) => assertMinorUnits(sum + d.total), 0)
    const linesTotal = priced.reduce(
      (sum, p) => sum + (p.variant?.price ?? Number.NaN) * p.line.quantity,
      0,
    )
    // The one invariant of the money path: the orders add up to what the buyer is charged.
    if (total !== linesTotal || total <= 0) {
      throw new Error(`checkout totals disagree: orders ${total}, lines ${linesTotal}`)
    }

    const groupId = new Types.ObjectId()
    const reference = `kg-${groupId}`
    const expiresAt = new Date(ctx.now.getTime() + timers.paymentWindowSeconds * 1000)
    await records.groups.create({
      _id: groupId,
      buyerId,
      status: 'creating',
      reference,
      total,
      currency: CURRENCY,
      orderIds: drafts.map((d) => String(d._id)),
      shippingAddress: input.shippingAddress,
      expiresAt,
    })
    const compensationCtx = systemCtx('checkout.compensate', ctx.now)
    const reservation = await inventory
      .reserve(
        ctx,
        priced.map((p) => ({ variantId: p.line.variantId, quantity: p.line.quantity })),
        timers.paymentWindowSeconds,
        { orderGroupId: String(groupId) },
      )
      .catch(async (error: unknown) => {
        await this.cancelGroup(compensationCtx, String(groupId), 'creating', reasonOf(error))
        throw error
      })
    const compensate = async (error: unknown, why: string): Promise<never> => {
      this.deps.logger.warn({ err: error, orderGroupId: String(groupId) }, `checkout ${why}`)
      await this.cancelGroup(compensationCtx, String(groupId), 'creating', why, reservation.id)
      throw error
    }
    const actor = describeActor(ctx.actor)
    try {
      await records.orders.insertMany(
        drafts.map((d) => ({
          _id: d._id,
          groupId: String(groupId),
          buyerId,
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
          shippingAddress: input.shippingAddress,
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
        { _id: groupId, status: 'creating' },
        { $set: { reservationId: reservation.id } },
      )
    } catch (error) {
      return compensate(error, 'orders_not_written')
    }

    let checkout: Awaited<ReturnType<typeof paystack.initializeTransaction>>
    try {
      checkout = await paystack.initializeTransaction({
        email: buyer.email,
        amount: total,
        currency: CURRENCY,
        reference,
        callbackUrl: `${this.deps.publicUrl}/checkout/complete`,
        metadata: { order_group_id: String(groupId), order_ids: drafts.map((d) => String(d._id)) },
      })
    } catch (error) {
      return compensate(error, 'payment_init_failed')
    }
    const group = await records.groups
      .findOneAndUpdate(
        { _id: groupId, status: 'creating' },
        { $set: { status: 'awaiting_payment', authorizationUrl: checkout.authorizationUrl } },
        { returnDocument: 'after' },
      )
      .lean()
    if (!group)
      throw new InvalidStateError('The checkout was cancelled meanwhile', 'checkout_cancelled')
    await this.deps.cart
      .removeBought(
        buyerId,
        priced.map((p) => p.line.id),
      )
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, buyerId }, 'cart not cleared after checkout'),
      )
    const orders = await records.orders
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
   * Where a checkout stands, for the buyer's app after the redirect; while unpaid it asks
   * Paystack (the webhook may be late). @throws NotFoundError for anyone but the buyer.
   */
  async status(ctx: Ctx, reference: string): Promise<CheckoutStatus> {
    const buyerId = requireRole(ctx, 'buyer', 'seller')
    const found = await this.deps.records.groups.findOne({ reference }).lean()
    if (!found || found.buyerId !== buyerId) throw groupNotFound()
    if (found.status === 'awaiting_payment') await this.confirmPayment(ctx, reference, 'poll')
    const group = (await this.deps.records.groups.findById(found._id).lean()) ?? found
    const orders = await this.deps.records.orders
      .find({ groupId: String(group._id) })
      .sort({ _id: 1 })
      .lean()
    return { orderGroup: toOrderGroupDTO(group), orders: orders.map(toOrderDTO) }
  }

  /**
   * Acts on a claim that `reference` was paid (a webhook, a poll, the expiry sweep): asks
   * Paystack, and only a successful transaction of the group's reference, amount and currency
   * pays the group. A signal Paystack contradicts changes nothing but flags the group.
   */
  async confirmPayment(
    ctx: Ctx,
    reference: string,
    source: PaymentSource,
  ): Promise<PaymentOutcome> {
    const { records, logger } = this.deps
    const group = await records.groups.findOne({ reference }).lean()
    if (!group) {
      logger.warn({ reference, source }, 'payment signal for an unknown reference')
      return 'unknown_reference'
    }
    if (group.status === 'paid') {
      await this.finishPaid(ctx, group, false)
      return 'already_paid'
    }
    const transaction = await this.paidTransaction(reference)
    if (!transaction) {
      if (source === 'webhook') {
        await this.flag(
          group,
          'verify_contradicts',
          'charge.success, but Paystack verify does not show a successful payment',
        )
      }
      return 'not_paid'
    }
    const mismatch =
      transaction.reference !== group.reference
        ? 'reference'
        : transaction.amount !== group.total
          ? 'amount'
          : transaction.currency !== group.currency
            ? 'currency'
            : undefined
    if (mismatch) {
      logger.error(
        {
          reference,
          source,
          expected: group.total,
          paid: transaction.amount,
          currency: transaction.currency,
        },
        `payment ${mismatch} does not match the order group`,
      )
      await this.flag(
        group,
        `${mismatch}_mismatch`,
        `Paystack's ${mismatch} does not match the order group`,
      )
      return 'mismatch'
    }
    if (group.status !== 'awaiting_payment') {
      await this.refundUnwanted(group, transaction)
      return 'flagged'
    }
    const won = await records.groups
      .findOneAndUpdate(
        { _id: group._id, status: 'awaiting_payment' },
        { $set: { status: 'paid', paidAt: ctx.now, paystackTransactionId: transaction.id } },
        { returnDocument: 'after' },
      )
      .lean()
    const current = won ?? (await records.groups.findById(group._id).lean())
    if (!current) return 'unknown_reference'
    if (current.status !== 'paid') {
      // Cancelled between our read and our write (expiry, buyer): the money goes back.
      await this.refundUnwanted(current, transaction)
      return 'flagged'
    }
    await this.finishPaid(ctx, current, Boolean(won))
    return won ? 'paid' : 'already_paid'
  }

  /**
   * The steps after a group is paid, each safe to repeat: commit the stock, move each order
   * pending -> processing, book each sale in the ledger. Mail goes to whoever won each step.
   */
  private async finishPaid(ctx: Ctx, group: OrderGroupDoc, first: boolean): Promise<void> {
    const { records, ledger } = this.deps
    const system = systemCtx('payments.confirm', ctx.now)
    if (first) await this.holdStock(system, group)
    const orders = await records.orders
      .find({ groupId: String(group._id) })
      .sort({ _id: 1 })
      .lean()
    const settled: OrderDoc[] = []
    for (const order of orders) {
      let current: OrderDoc = order
      if (order.status === 'pending') {
        assertOrderMove('system', 'pending', 'processing')
        const moved = await records.move(system, order._id, 'pending', 'processing', {
          reason: 'payment verified',
          set: { paidAt: ctx.now },
        })
        if (moved) {
          current = moved
          await this.deps.mail.received(moved)
        } else {
          current = await records.get(String(order._id))
        }
      }
      if (current.paidAt && !current.saleRecorded) {
        await ledger.recordSale(system, {
          orderId: String(current._id),
          orderGroupId: current.groupId,
          storeId: current.storeId,
          gross: current.total,
          commissionRateBps: current.commissionRateBps,
          currency: current.currency,
        })
        await records.orders.updateOne(
          { _id: current._id, saleRecorded: false },
          { $set: { saleRecorded: true } },
        )
      }
      settled.push(current)
    }
    if (first) await this.deps.mail.confirmed(group, settled)
  }

  /** Makes the held stock sold; if the hold lapsed meanwhile, tries to take the stock again. */
  private async holdStock(system: Ctx, group: OrderGroupDoc): Promise<void> {
    const { inventory, records, logger } = this.deps
    if (group.reservationId) {
      try {
        await inventory.commit(system, group.reservationId)
        return
      } catch (error) {
        if (isCommitted(error)) return
        logger.warn({ err: error, reference: group.reference }, 'reservation lapsed before payment')
      }
    }
    const orders = await records.orders.find({ groupId: String(group._id) }).lean()
    const items = orders.flatMap((o) =>
      o.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    )
    try {
      const again = await inventory.reserve(system, items, 60, { orderGroupId: String(group._id) })
      await inventory.commit(system, again.id)
      await records.groups.updateOne({ _id: group._id }, { $set: { reservationId: again.id } })
    } catch (error) {
      logger.error({ err: error, reference: group.reference }, 'paid group without stock')
      await this.flag(
        group,
        'paid_without_stock',
        'Paid after the stock hold lapsed, and the stock is gone: refund or source it',
      )
    }
  }

  /** Paystack's transaction if it is a successful payment; undefined otherwise. */
  private async paidTransaction(reference: string): Promise<PaystackTransaction | undefined> {
    try {
      const transaction = await this.deps.paystack.verifyTransaction(reference)
      return transaction.status === 'success' ? transaction : undefined
    } catch (error) {
      if (error instanceof PaystackRejectedError) return undefined
      throw error
    }
  }

  /**
   * A real payment for a group we no longer sell (cancelled, or a checkout that never got its
   * link out): flagged once, and the whole charge refunded by whoever set the flag.
   */
  private async refundUnwanted(group: OrderGroupDoc, transaction: PaystackTransaction) {
    const flagged = await this.flag(
      group,
      'paid_after_cancellation',
      'Paid after the checkout was cancelled; the charge is refunded',
    )
    if (!flagged) return
    await this.deps.paystack
      .createRefund({
        transaction: group.reference,
        amount: transaction.amount,
        merchantNote: `order group ${String(group._id)} was cancelled before payment arrived`,
      })
      .catch((error: unknown) =>
        this.deps.logger.error(
          { err: error, reference: group.reference },
          'automatic refund failed',
        ),
      )
  }

  /** Sets a payment issue for administrators; true when this call set it (first of its code). */
  private async flag(group: OrderGroupDoc, code: string, message: string): Promise<boolean> {
    const result = await this.deps.records.groups.updateOne(
      { _id: group._id, 'paymentIssue.code': op({ $ne: code }) },
      { $set: { paymentIssue: { code, message, at: this.deps.clock.now() } } },
    )
    if (result.modifiedCount > 0) {
      this.deps.logger.error(
        { reference: group.reference, code },
        `order group flagged: ${message}`,
      )
      await this.deps.events.emit('order_group.payment_issue', {
        orderGroupId: String(group._id),
        code,
      })
    }
    return result.modifiedCount > 0
  }

  /**
   * Cancels an unpaid group: compare-and-set on its status, then its stock back and its pending
   * orders cancelled (actor from `ctx`: the buyer, or a job). Returns false when it was not in
   * `from` any more.
   */
  async cancelGroup(
    ctx: Ctx,
    groupId: string,
    from: 'creating' | 'awaiting_payment',
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
        status: op({ $in: UNPAID }),
        expiresAt: op({ $lte: ctx.now }),
      })
      .sort({ expiresAt: 1 })
      .limit(SWEEP_BATCH)
      .lean()
    const counts = { expired: 0, paid: 0, skipped: 0 }
    for (const group of due) {
      if (group.status === 'awaiting_payment') {
        let transaction: PaystackTransaction | undefined
        try {
          transaction = await this.paidTransaction(group.reference)
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
      const from = group.status === 'creating' ? 'creating' : 'awaiting_payment'
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
    if (group.status === 'awaiting_payment') {
      const transaction = await this.paidTransaction(group.reference)
      if (transaction) {
        await this.confirmPayment(ctx, group.reference, 'cancel')
        throw new InvalidStateError(
          'The payment for this order already went through; cancel it again to get a refund',
          'already_paid',
        )
      }
    }
    if (group.status !== 'awaiting_payment' && group.status !== 'creating') {
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
