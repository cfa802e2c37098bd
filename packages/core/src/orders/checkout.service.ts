import type { People } from '../accounts/people.port.js'
import type { InventoryService } from '../catalog/inventory.service.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, requireRole, systemCtx } from '../shared/ctx.js'
import { ChangedMeanwhileError, InvalidStateError, NotFoundError } from '../shared/errors.js'
import type { DomainEvents, EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import { validateInput } from '../shared/validate.js'
import type { StoreLookup } from '../stores/store.types.js'
import type { CartService } from './cart.service.js'
import { CheckoutPlacing } from './checkout.placing.js'
import { CheckoutSweeps } from './checkout.sweeps.js'
import type { FraudPort } from './fraud.port.js'
import type { IdempotencyService, IdempotentResponse } from './idempotency.service.js'
import { toOrderDTO, toOrderGroupDTO } from './order.dto.js'
import type { OrderGroupDoc } from './order.model.js'
import type { OrderRecords } from './order.records.js'
import { type CheckoutBody, checkoutBody } from './order.schemas.js'
import type { CheckoutResult, CheckoutStatus, OrderGroupStatus } from './order.types.js'
import { awaitsPayment, isUnpaidGroup, type UnpaidGroupStatus } from './order-group.transitions.js'
import type { OrderMail } from './order-mail.js'
import {
  PaymentConfirmation,
  type PaymentOutcome,
  type PaymentSource,
} from './payment-confirmation.js'

export { PAYMENT_RECHECK_AFTER_MINUTES } from './checkout.sweeps.js'

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

const groupNotFound = () => new NotFoundError('Order group')

/** The public payment status asks Paystack at most this often per reference. */
const PUBLIC_RECHECK_MS = 5_000

/** The checkout return page's view of a payment: nothing that names the buyer. */
export interface PublicPaymentStatus {
  reference: string
  status: OrderGroupStatus
}

/**
 * Checkout and payment confirmation: the facade. Placing a checkout is ordered steps with
 * compensation (checkout.placing.ts); confirmation (payment-confirmation.ts) trusts only
 * Paystack's verify endpoint, and every step of it is a compare-and-set or an idempotent ledger
 * posting, so any number of deliveries of the same charge (in any order, concurrently) credit
 * once; the sweeps over unpaid checkouts are checkout.sweeps.ts.
 */
export class CheckoutService {
  private confirmation: PaymentConfirmation
  private placing: CheckoutPlacing
  private sweeps: CheckoutSweeps
  /** When the public payment status last asked Paystack, per reference (paymentStatus). */
  private publicRechecks = new Map<string, number>()

  constructor(private deps: CheckoutDeps) {
    this.confirmation = new PaymentConfirmation(deps)
    this.placing = new CheckoutPlacing(deps, (...args) => this.cancelGroup(...args))
    this.sweeps = new CheckoutSweeps(deps, this.confirmation, this)
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
      async () => ({ status: 201, body: await this.placing.place(ctx, buyerId, body) }),
    )
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
      const cancelled = await records.move(ctx, order, 'pending', 'cancelled', {
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
   * more, then cancelled with their stock released (checkout.sweeps.ts).
   */
  expireUnpaid(ctx: Ctx): Promise<{ expired: number; paid: number; skipped: number }> {
    return this.sweeps.expireUnpaid(ctx)
  }

  /** The `recheck-unconfirmed-payments` job: a lost `charge.success` (checkout.sweeps.ts). */
  recheckUnconfirmed(ctx: Ctx): Promise<{ checked: number; paid: number; skipped: number }> {
    return this.sweeps.recheckUnconfirmed(ctx)
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
    if (!done) throw new ChangedMeanwhileError('order')
  }
}
