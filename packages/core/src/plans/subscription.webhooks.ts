import { op } from '../db/query.js'
import type { PaystackSubscription } from '../payments/paystack/paystack.types.js'
import { type Ctx, systemCtx } from '../shared/ctx.js'
import type { DomainEvents } from '../shared/events.js'
import type { InvoiceDoc, PlanDoc, SubscriptionDoc } from './plan.model.js'
import { FREE_PLAN_CODE, type InvoiceStatus } from './plan.types.js'
import { GRACE_DAYS, PLAN_IN_FORCE } from './subscription.transitions.js'
import type { SubscriptionsDeps, SubscriptionsService } from './subscriptions.service.js'

/** The Paystack events seller plans act on (docs/plans.md). */
export const SUBSCRIPTION_WEBHOOK_EVENTS: ReadonlySet<string> = new Set([
  'charge.success',
  'subscription.create',
  'invoice.create',
  'invoice.update',
  'invoice.payment_failed',
  'subscription.not_renew',
  'subscription.disable',
])

/** What Paystack must say about the subscription for each event to be acted on. */
const EXPECTED_REMOTE: Record<string, readonly PaystackSubscription['status'][]> = {
  'subscription.create': ['active', 'attention'],
  'invoice.payment_failed': ['attention', 'cancelled'],
  'subscription.not_renew': ['non-renewing'],
  'subscription.disable': ['cancelled', 'complete'],
}

const DAY_MS = 24 * 3600_000
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000
const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null
const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {}

/**
 * Paystack's subscription and invoice webhooks, verified and idempotent like payments: the
 * payments feature stores each event once (by its key) and announces it; here every event is
 * checked against Paystack's own answer (`GET /subscription/:code`, `GET /transaction/verify`)
 * before it moves anything, and every move is a compare-and-set, so a replay, a retry or an
 * event out of order changes nothing twice. Events about a subscription that is no longer the
 * store's current one (the old subscription of an upgrade) only book money.
 */
export class SubscriptionWebhooks {
  constructor(
    private deps: SubscriptionsDeps,
    private service: SubscriptionsService,
  ) {}

  async handle(event: DomainEvents['paystack.event_received']): Promise<void> {
    const name = event.paystackEvent
    if (!SUBSCRIPTION_WEBHOOK_EVENTS.has(name)) return
    const ctx = systemCtx(`paystack.${name}`, this.deps.clock.now())
    if (name === 'charge.success') {
      if (event.reference) await this.firstCharge(ctx, event.reference)
      return
    }
    const data = await this.deps.payments.dataOf(event.eventKey)
    if (!data) return
    const code = text(data.subscription_code) ?? text(record(data.subscription).subscription_code)
    if (!code) return
    const doc = await this.subscriptionOf(code, data)
    if (!doc) return // not a seller plan of ours (another product billed on the same account)
    const remote = await this.deps.paystack.fetchSubscription(code)
    const expected = EXPECTED_REMOTE[name]
    if (expected && !expected.includes(remote.status)) {
      this.deps.logger.warn(
        { event: name, code, remote: remote.status },
        'subscription event contradicted by Paystack; ignored',
      )
      return
    }
    const current = doc.paystackSubscriptionCode === code
    switch (name) {
      case 'subscription.create':
        return this.created(ctx, doc, remote)
      case 'invoice.create':
        return void (await this.recordInvoice(doc, data, remote, 'pending'))
      case 'invoice.update':
        return this.invoiceUpdated(ctx, doc, data, remote, current)
      case 'invoice.payment_failed':
        if (current && doc.status === 'active') await this.renewalFailed(ctx, doc)
        return
      case 'subscription.not_renew':
        if (current && (doc.status === 'active' || doc.status === 'attention')) {
          await this.service.records.move(ctx, doc, 'non_renewing', 'not renewing (Paystack)', {
            set: { pendingPlanCode: FREE_PLAN_CODE },
          })
        }
        return
      case 'subscription.disable':
        if (current) await this.disabled(ctx, doc)
        return
    }
  }

  /** The first charge of a subscription (a checkout for a plan): its invoice is paid. */
  private async firstCharge(ctx: Ctx, reference: string): Promise<void> {
    const invoice = await this.deps.invoices.findOne({ code: reference }).lean()
    if (!invoice) return // an order's charge, or a renewal (booked from invoice.update)
    const transaction = await this.deps.paystack.verifyTransaction(reference)
    if (
      transaction.status !== 'success' ||
      transaction.amount !== invoice.amount ||
      transaction.currency !== invoice.currency
    ) {
      this.deps.logger.warn(
        { reference, status: transaction.status, amount: transaction.amount },
        'plan checkout charge contradicted by Paystack verify; not booked',
      )
      return
    }
    const paidAt = transaction.paidAt ? new Date(transaction.paidAt) : ctx.now
    await this.deps.invoices.updateOne(
      { _id: invoice._id, status: op({ $ne: 'paid' as const }) },
      { $set: { status: 'paid', paidAt } },
    )
    await this.book(ctx, { ...invoice, status: 'paid' })
    const saved = transaction.authorization
    if (saved?.reusable) {
      await this.deps.subscriptions.updateOne(
        { _id: invoice.subscriptionId, authorizationCode: op({ $exists: false }) },
        { $set: { authorizationCode: saved.authorizationCode } },
      )
    }
  }

  /** `subscription.create`: the checkout's subscription exists; the plan is in force. */
  private async created(ctx: Ctx, doc: SubscriptionDoc, remote: PaystackSubscription) {
    if (doc.paystackSubscriptionCode === remote.subscriptionCode) {
      // A retry after a crash between the move and the policy: put the policy in force again.
      if (PLAN_IN_FORCE.includes(doc.status))
        await this.service.applyPlan(ctx, doc.storeId, await this.deps.plans.doc(doc.planCode))
      return
    }
    if (doc.status !== 'incomplete') return // an upgrade's subscription: change() recorded it
    const plan = await this.planOf(remote)
    if (!plan) {
      this.deps.logger.warn(
        { code: remote.subscriptionCode, plan: remote.planCode },
        'subscription.create for a Paystack plan that is none of ours; ignored',
      )
      return
    }
    // The plan actually paid for wins: the seller may have paid an older checkout link.
    const moved = await this.service.records.move(ctx, doc, 'active', 'first charge paid', {
      set: {
        planCode: plan.code,
        paystackSubscriptionCode: remote.subscriptionCode,
        emailToken: remote.emailToken,
        ...(remote.authorizationCode ? { authorizationCode: remote.authorizationCode } : {}),
        ...(remote.nextPaymentDate ? { currentPeriodEnd: new Date(remote.nextPaymentDate) } : {}),
        remindersSent: 0,
      },
      unset: ['graceUntil', 'pendingPlanCode'],
    })
    await this.service.applyPlan(ctx, moved.storeId, plan)
  }

  /** `invoice.update`: a renewal paid (booked; a store in its grace period recovers) or failed. */
  private async invoiceUpdated(
    ctx: Ctx,
    doc: SubscriptionDoc,
    data: Record<string, unknown>,
    remote: PaystackSubscription,
    current: boolean,
  ) {
    const reference = text(record(data.transaction).reference)
    const paid = data.paid === true || data.status === 'success'
    if (!paid) {
      await this.recordInvoice(doc, data, remote, 'failed')
      return
    }
    if (!reference) return
    const transaction = await this.deps.paystack.verifyTransaction(reference)
    if (transaction.status !== 'success') {
      this.deps.logger.warn({ reference }, 'paid invoice contradicted by Paystack verify; ignored')
      return
    }
    const invoice = await this.recordInvoice(doc, data, remote, 'paid', transaction.amount)
    if (invoice) await this.book(ctx, invoice)
    if (!current) return
    const periodEnd = remote.nextPaymentDate ? new Date(remote.nextPaymentDate) : undefined
    if (doc.status === 'attention') {
      const moved = await this.service.records.move(
        ctx,
        doc,
        'active',
        'renewal paid after a failure',
        {
          set: { remindersSent: 0, ...(periodEnd ? { currentPeriodEnd: periodEnd } : {}) },
          unset: ['graceUntil'],
        },
      )
      await this.service.applyPlan(ctx, moved.storeId, await this.deps.plans.doc(moved.planCode))
    } else if (doc.status === 'active' && periodEnd) {
      await this.service.records.patch(doc, { currentPeriodEnd: periodEnd })
    }
  }

  /** A renewal failed: the grace period starts, with its first reminder now. */
  private async renewalFailed(ctx: Ctx, doc: SubscriptionDoc) {
    const graceUntil = new Date(ctx.now.getTime() + GRACE_DAYS * DAY_MS)
    const moved = await this.service.records.move(ctx, doc, 'attention', 'renewal payment failed', {
      set: { graceUntil, remindersSent: 0 },
    })
    await this.service.remindIfDue(moved, ctx.now)
  }

  /** `subscription.disable`: Paystack will not bill it again. */
  private async disabled(ctx: Ctx, doc: SubscriptionDoc) {
    if (doc.status === 'active') {
      if (doc.currentPeriodEnd && doc.currentPeriodEnd > ctx.now) {
        await this.service.records.move(ctx, doc, 'non_renewing', 'disabled at Paystack', {
          set: { pendingPlanCode: FREE_PLAN_CODE },
        })
      } else await this.service.expire(ctx, doc, 'disabled at Paystack')
    } else if (doc.status === 'attention') {
      await this.service.expire(ctx, doc, 'disabled at Paystack after a failed renewal')
    }
  }

  /** Keeps one row per Paystack invoice; a paid invoice never goes back. */
  private async recordInvoice(
    doc: SubscriptionDoc,
    data: Record<string, unknown>,
    remote: PaystackSubscription,
    status: InvoiceStatus,
    amount?: number,
  ): Promise<InvoiceDoc | null> {
    const code = text(data.invoice_code)
    if (!code) return null
    const plan = await this.planOf(remote)
    const periodStart = text(data.period_start)
    const periodEnd = text(data.period_end)
    const paidAt = text(data.paid_at)
    const fields = {
      status,
      ...(periodStart ? { periodStart: new Date(periodStart) } : {}),
      ...(periodEnd ? { periodEnd: new Date(periodEnd) } : {}),
      ...(paidAt ? { paidAt: new Date(paidAt) } : {}),
      ...(text(record(data.transaction).reference)
        ? { transactionReference: text(record(data.transaction).reference)! }
        : {}),
    }
    try {
      await this.deps.invoices.create({
        storeId: doc.storeId,
        subscriptionId: doc._id,
        code,
        planCode: plan?.code ?? doc.planCode,
        amount: amount ?? (typeof data.amount === 'number' ? data.amount : remote.amount),
        currency: 'NGN',
        ...fields,
      })
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      await this.deps.invoices.updateOne(
        { code, status: op({ $ne: 'paid' as const }) },
        { $set: fields },
      )
    }
    return this.deps.invoices.findOne({ code }).lean()
  }

  /** Books a paid invoice as platform revenue, once (the ledger key is the invoice code). */
  private async book(ctx: Ctx, invoice: InvoiceDoc) {
    if (invoice.status !== 'paid') return
    await this.deps.ledger.recordSubscriptionFee(ctx, {
      invoiceCode: invoice.code,
      storeId: invoice.storeId,
      planCode: invoice.planCode,
      amount: invoice.amount,
      currency: invoice.currency,
    })
  }

  /** The store's subscription an event is about: by code, else by the customer's email. */
  private async subscriptionOf(code: string, data: Record<string, unknown>) {
    const byCode = await this.deps.subscriptions.findOne({ paystackSubscriptionCode: code }).lean()
    if (byCode) return byCode
    const email = text(record(data.customer).email)
    return email ? this.deps.subscriptions.findOne({ customerEmail: email }).lean() : null
  }

  private async planOf(remote: PaystackSubscription): Promise<PlanDoc | null> {
    return this.deps.plans.byPaystackCode(remote.planCode)
  }
}
