import type { AccountsService } from '../accounts/accounts.service.js'
import type { InventoryService } from '../catalog/inventory.service.js'
import type { DisputesService } from '../disputes/disputes.service.js'
import type { DurableEventBus } from '../events/event-bus.js'
import type { FraudService } from '../fraud/fraud.service.js'
import type { MailService } from '../mail/mail.service.js'
import type { CheckoutService } from '../orders/checkout.service.js'
import type { IdempotencyService } from '../orders/idempotency.service.js'
import type { OrdersService } from '../orders/orders.service.js'
import type { RefundsService } from '../orders/refunds.service.js'
import { PAYOUT_SCHEDULE } from '../payouts/payout.period.js'
import type { PayoutsService } from '../payouts/payouts.service.js'
import type { SubscriptionsService } from '../plans/subscriptions.service.js'
import type { RecommendationsService } from '../recommendations/recommendations.service.js'
import type { ReconcileService } from '../reconcile/reconcile.service.js'
import type { Config } from '../shared/config.js'
import type { Logger } from '../shared/logger.js'
import type { JobDefinition } from './jobs.service.js'

/** The services the jobs call (each job's work lives in its feature's service). */
export interface JobServices {
  events: DurableEventBus
  mail: MailService
  accounts: AccountsService
  inventory: InventoryService
  checkout: CheckoutService
  orders: OrdersService
  refunds: RefundsService
  idempotency: IdempotencyService
  disputes: DisputesService
  payouts: PayoutsService
  recommendations: RecommendationsService
  subscriptions: SubscriptionsService
  reconcile: ReconcileService
  fraud: FraudService
}

/** A row of the jobs table: every row says whether the job moves money (then `--yes` by hand). */
export type JobRow = JobDefinition & { movesMoney: boolean }

/**
 * The one jobs table: every timed job of the marketplace, its schedule (cron, read in
 * `MARKETPLACE_TIMEZONE` unless a row says otherwise) and whether it moves money. createCore
 * registers each row with the `JobsService`; `kloset jobs list` prints them.
 * size: the one table of timed jobs, one row each, reviewed in one place.
 */
export function jobsTable(s: JobServices, config: Config, logger: Logger): JobRow[] {
  return [
    // mail, accounts
    {
      name: 'deliver-mail',
      schedule: '* * * * *',
      movesMoney: false,
      summary: 'Send queued mail that is due, retrying failed sends with backoff',
      run: async () => ({ sent: await s.mail.deliverDue() }),
    },
    {
      name: 'sweep-expired-tokens',
      schedule: '17 * * * *',
      movesMoney: false,
      summary: 'Delete expired verification, reset and refresh tokens',
      run: (ctx) => s.accounts.sweepExpiredTokens(ctx),
    },
    // catalog
    {
      name: 'release-expired-reservations',
      schedule: '* * * * *',
      movesMoney: false,
      summary: 'Give back the stock of checkout reservations past their expiry',
      run: async (ctx) => ({ expired: await s.inventory.releaseExpired(ctx.now) }),
    },
    // orders
    {
      name: 'expire-unpaid-orders',
      schedule: '* * * * *',
      // A payment found for a group cancelled meanwhile is refunded on Paystack (payment-confirmation.ts).
      movesMoney: true,
      summary:
        'Cancel checkouts unpaid past their payment window and free their stock (a payment that arrives for one cancelled meanwhile is refunded)',
      run: (ctx) => s.checkout.expireUnpaid(ctx),
    },
    {
      name: 'recheck-unconfirmed-payments',
      schedule: '*/5 * * * *',
      // A payment found for a group cancelled meanwhile is refunded on Paystack (payment-confirmation.ts).
      movesMoney: true,
      summary:
        'Ask Paystack about checkouts unconfirmed for 5 min (a lost charge.success) and confirm the paid ones (refund one cancelled meanwhile)',
      run: (ctx) => s.checkout.recheckUnconfirmed(ctx),
    },
    {
      name: 'auto-deliver-shipped-orders',
      schedule: '7 * * * *',
      movesMoney: false,
      summary: 'Count orders shipped longer ago than the delivery window as delivered',
      run: (ctx) => s.orders.autoDeliverShipped(ctx),
    },
    {
      name: 'complete-delivered-orders',
      schedule: '13 * * * *',
      movesMoney: false,
      summary: 'Complete delivered orders past the return window and release the seller share',
      run: (ctx) => s.orders.completeDelivered(ctx),
    },
    {
      name: 'retry-pending-restocks',
      schedule: '*/5 * * * *',
      movesMoney: false,
      summary: 'Finish restocking refunded cancelled orders whose restock was interrupted',
      run: async (ctx) => ({
        ...(await s.refunds.retryPendingRestocks(ctx)),
        // Restocks cut off between their movement row and their $inc, which no retry can finish:
        // an operator recounts those variants (docs/operations.md).
        unconfirmedMovements: (await s.inventory.unconfirmedMovements(ctx, { limit: 1 })).total,
      }),
    },
    {
      name: 'recheck-pending-refunds',
      schedule: '*/5 * * * *',
      movesMoney: false,
      summary: `Ask Paystack about refunds pending over ${config.events.refundRecheckMinutes} min (a lost webhook) and settle them`,
      run: (ctx) => s.refunds.recheckPending(ctx, config.events.refundRecheckMinutes),
    },
    {
      name: 'sweep-idempotency-keys',
      schedule: '29 * * * *',
      movesMoney: false,
      summary: 'Delete idempotency keys past their retention',
      run: async (ctx) => ({ deleted: await s.idempotency.sweepExpired(ctx.now) }),
    },
    // events
    {
      name: 'sweep-event-log',
      schedule: '41 3 * * *',
      movesMoney: false,
      summary: `Delete published events older than ${config.events.retentionDays} days from the event log`,
      run: async (ctx) => ({
        deleted: await s.events.prunePublished(
          new Date(ctx.now.getTime() - config.events.retentionDays * 24 * 3600_000),
        ),
      }),
    },
    // disputes
    {
      name: 'advance-dispute-deadlines',
      schedule: '*/5 * * * *',
      // It finishes settlements a crash left half-done, and a refund decision refunds then.
      movesMoney: true,
      summary:
        'Escalate disputes the seller left unanswered 3 days, close answered ones not escalated in 3 days, flag decisions overdue 48 h, finish settlements left half-done (refunds)',
      run: (ctx) => s.disputes.advanceDeadlines(ctx),
    },
    {
      name: 'answer-chargebacks',
      schedule: '*/15 * * * *',
      movesMoney: false,
      summary:
        "Decline with the evidence, once, Paystack chargebacks no administrator decided 6 h before Paystack's deadline",
      run: (ctx) => s.disputes.answerChargebacks(ctx),
    },
    // fraud
    {
      name: 'repair-fraud-cases',
      schedule: '*/5 * * * *',
      movesMoney: false,
      summary: 'Write the review cases of fraud decisions that a crash left without one',
      run: async () => ({ repaired: await s.fraud.repairCases() }),
    },
    // payouts
    {
      name: 'weekly-payouts',
      schedule: PAYOUT_SCHEDULE,
      summary: 'Pay every seller their available balance for the week (kloset payouts run)',
      maxRunMs: 30 * 60_000,
      movesMoney: true,
      run: async (ctx) => {
        const run = await s.payouts.runPeriod(ctx, {})
        return { period: run.period, ...run.totals, warnings: run.warnings }
      },
    },
    // recommendations
    {
      name: 'refresh-recommendations',
      schedule: '23 2 * * *',
      movesMoney: false,
      summary:
        'Recompute "customers also bought", "for you", trending and the popular sort from paid orders',
      maxRunMs: 30 * 60_000,
      run: async (ctx) => ({ ...(await s.recommendations.refresh(ctx)) }),
    },
    // plans
    {
      name: 'plans-subscriptions',
      schedule: '*/15 * * * *',
      movesMoney: false,
      summary:
        'Remind sellers whose plan renewal failed, fall back to free after the grace period, end non-renewing plans',
      run: async (ctx) => ({ ...(await s.subscriptions.sweep(ctx)) }),
    },
    // reconcile
    {
      name: 'reconcile',
      schedule: '30 2 * * *',
      movesMoney: false,
      summary:
        'Reconcile yesterday (UTC): Paystack charges, transfers and refunds, paid orders, payouts and the ledger',
      run: async (ctx) => {
        const day = new Date(ctx.now.getTime() - 86_400_000).toISOString().slice(0, 10)
        const report = await s.reconcile.reconcileDay(ctx, day)
        if (!report.ok)
          logger.error({ day, mismatches: report.mismatches }, 'reconciliation mismatches')
        return {
          date: day,
          mismatches: report.mismatches.length,
          opened: report.items.opened.length,
          autoCleared: report.items.autoCleared,
        }
      },
    },
  ]
}
