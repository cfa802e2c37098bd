import { op } from '../db/query.js'
import type { PaystackTransaction } from '../payments/paystack/paystack.types.js'
import { type Ctx, requireAdminOrSystem } from '../shared/ctx.js'
import type { CheckoutDeps, CheckoutService } from './checkout.service.js'
import { assertOrderMove, orderActorOf } from './order.transitions.js'
import { awaitsPayment, isUnpaidGroup, UNPAID_GROUP_STATUSES } from './order-group.transitions.js'
import type { PaymentConfirmation } from './payment-confirmation.js'

const SWEEP_BATCH = 200
/** A checkout unconfirmed this long after it started is asked about at Paystack (a lost webhook). */
export const PAYMENT_RECHECK_AFTER_MINUTES = 5

/**
 * The timed jobs over unpaid checkouts: `expire-unpaid-orders` (ask Paystack once more, then
 * cancel) and `recheck-unconfirmed-payments` (a lost `charge.success` webhook).
 */
export class CheckoutSweeps {
  constructor(
    private deps: CheckoutDeps,
    private confirmation: PaymentConfirmation,
    private checkout: Pick<CheckoutService, 'confirmPayment' | 'cancelGroup'>,
  ) {}

  /**
   * The `expire-unpaid-orders` job: groups past their payment window are asked of Paystack once
   * more (a late webhook must not lose a paid order), then cancelled with their stock released.
   * Crashed checkouts (`creating`) are cancelled the same way.
   */
  async expireUnpaid(ctx: Ctx): Promise<{ expired: number; paid: number; skipped: number }> {
    requireAdminOrSystem(ctx)
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
          await this.checkout.confirmPayment(ctx, group.reference, 'expiry')
          counts.paid++
          continue
        }
      }
      assertOrderMove(orderActorOf(ctx), 'pending', 'cancelled')
      // The filter above found it unpaid; a group paid since is left to the compare-and-set.
      const from = isUnpaidGroup(group.status) ? group.status : 'awaiting_payment'
      if (await this.checkout.cancelGroup(ctx, String(group._id), from, 'payment_expired'))
        counts.expired++
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
    requireAdminOrSystem(ctx)
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
        const outcome = await this.checkout.confirmPayment(ctx, group.reference, 'recheck')
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
}
