import type { People } from '../accounts/people.port.js'
import type { AuditService } from '../audit/audit.service.js'
import type { ProductsService } from '../catalog/products.service.js'
import { op } from '../db/query.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { PaymentEventsService } from '../payments/payment-events.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, requireRole, systemCtx } from '../shared/ctx.js'
import {
  ChangedMeanwhileError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
} from '../shared/errors.js'
import type { DomainEvents, EventBus } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import type { Logger } from '../shared/logger.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import type { StoresService } from '../stores/store.service.js'
import type { InvoiceModel, PlanDoc, SubscriptionDoc, SubscriptionModel } from './plan.model.js'
import {
  type ChoosePlanBody,
  choosePlanBody,
  type ListInvoicesQuery,
  type ListSubscriptionsQuery,
  listInvoicesQuery,
  listSubscriptionsQuery,
} from './plan.schemas.js'
import {
  FREE_PLAN_CODE,
  type InvoiceDTO,
  type SellerPlanView,
  type SubscriptionDTO,
} from './plan.types.js'
import { type PlansService, policyOf } from './plans.service.js'
import { SubscriptionRecords, toInvoiceDTO, toSubscriptionDTO } from './subscription.records.js'
import { CANCELLABLE, GRACE_DAYS, REMINDER_DAYS } from './subscription.transitions.js'
import { SubscriptionWebhooks } from './subscription.webhooks.js'
import type { SubscriptionMail } from './subscription-mail.js'

const DAY_MS = 24 * 3600_000

export interface SubscriptionsDeps {
  subscriptions: SubscriptionModel
  invoices: InvoiceModel
  plans: PlansService
  stores: Pick<StoresService, 'requireOwnStore' | 'getStore' | 'applyPlanPolicy'>
  products: Pick<ProductsService, 'applyListingLimit'>
  people: People
  paystack: Pick<
    PaystackClient,
    | 'initializeTransaction'
    | 'verifyTransaction'
    | 'fetchSubscription'
    | 'createSubscription'
    | 'disableSubscription'
  >
  payments: Pick<PaymentEventsService, 'dataOf'>
  ledger: Pick<LedgerService, 'recordSubscriptionFee'>
  mail: SubscriptionMail
  audit: AuditService
  events: EventBus
  clock: Clock
  logger: Logger
  publicUrl: string
}

/** What the sweep job did. */
export interface SubscriptionSweep {
  reminded: number
  expired: number
  renewedOnScheduledPlan: number
}

/**
 * Seller subscriptions to paid plans, billed by Paystack (docs/plans.md). The webhooks are the
 * source of truth, each checked against Paystack's own answer (subscription.webhooks.ts); the
 * seller's verbs (subscribe, change, cancel) and the sweep job (grace reminders, fall back to
 * free, scheduled downgrades) are here. Every status change is a compare-and-set against
 * `subscriptionTransitions` (subscription.records.ts), followed by putting the plan's policy in
 * force at the store; re-applying a policy is harmless, so a retried step repairs a crash.
 */
export class SubscriptionsService {
  readonly records: SubscriptionRecords
  private webhooks: SubscriptionWebhooks

  constructor(private deps: SubscriptionsDeps) {
    this.records = new SubscriptionRecords(deps)
    this.webhooks = new SubscriptionWebhooks(deps, this)
  }

  // ---- seller ---------------------------------------------------------------------------------

  /** The seller's tier: the policy in force at their store and their subscription, if any. */
  async view(ctx: Ctx): Promise<SellerPlanView> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    const doc = await this.deps.subscriptions.findOne({ storeId: store.id }).lean()
    return { policy: store.plan, subscription: doc ? toSubscriptionDTO(doc) : null }
  }

  /**
   * Starts a subscription to a paid plan: a Paystack checkout for the plan (the first charge);
   * its `subscription.create` webhook makes it active. Calling again while `incomplete` starts
   * a new checkout (for another plan, too).
   * @throws InvalidStateError `store_not_approved`, `already_subscribed` (use change),
   *   `free_plan`, `plan_archived`; NotFoundError for an unknown plan; UnavailableError when
   *   Paystack is down.
   */
  async subscribe(ctx: Ctx, input: ChoosePlanBody): Promise<SubscriptionDTO> {
    requireRole(ctx, 'seller')
    const { planCode } = validateInput(choosePlanBody, input)
    const store = await this.deps.stores.requireOwnStore(ctx)
    const { plan, existing } = await this.subscribable(store, planCode)
    const owner = await this.deps.people.get(systemCtx('plans.subscribe', ctx.now), store.ownerId)
    const reference = `plan-${store.id}-${ctx.now.getTime().toString(36)}`
    const checkout = await this.deps.paystack.initializeTransaction({
      email: owner.email,
      amount: plan.amount,
      currency: plan.currency,
      reference,
      plan: plan.paystackPlanCode!,
      callbackUrl: `${this.deps.publicUrl}/seller/plan`,
      metadata: { purpose: 'seller_plan', storeId: store.id, planCode: plan.code },
    })
    const doc = await this.records.startCheckout(ctx, store.id, existing, {
      planCode: plan.code,
      customerEmail: owner.email,
      checkoutReference: reference,
      authorizationUrl: checkout.authorizationUrl,
    })
    await this.deps.invoices.create({
      storeId: store.id,
      subscriptionId: doc._id,
      code: reference,
      planCode: plan.code,
      amount: plan.amount,
      currency: plan.currency,
      status: 'pending',
      transactionReference: reference,
    })
    return toSubscriptionDTO(doc)
  }

  /**
   * The paid plan an approved store may start a checkout for, and its subscription if it has
   * one (`incomplete` or `expired`: a new checkout replaces the old).
   */
  private async subscribable(
    store: { id: string; status: string },
    planCode: string,
  ): Promise<{ plan: PlanDoc; existing: SubscriptionDoc | null }> {
    if (store.status !== 'approved') {
      throw new InvalidStateError(
        'Your store must be approved before it can subscribe',
        'store_not_approved',
      )
    }
    const plan = await this.paidPlan(planCode)
    const existing = await this.deps.subscriptions.findOne({ storeId: store.id }).lean()
    if (existing && existing.status !== 'incomplete' && existing.status !== 'expired') {
      throw new InvalidStateError(
        `You are subscribed to ${existing.planCode} (${existing.status}): change or cancel it`,
        'already_subscribed',
      )
    }
    return { plan, existing }
  }

  /**
   * Changes plan: a dearer plan starts now (a new Paystack subscription charged to the saved
   * card, the old one disabled); a cheaper plan, or `free`, waits for the end of the paid
   * period (renewals stop now; the sweep starts the cheaper plan then).
   * @throws InvalidStateError `not_subscribed` (subscribe first), `same_plan`, `plan_archived`.
   */
  async change(ctx: Ctx, input: ChoosePlanBody): Promise<SubscriptionDTO> {
    requireRole(ctx, 'seller')
    const { planCode } = validateInput(choosePlanBody, input)
    const store = await this.deps.stores.requireOwnStore(ctx)
    const doc = await this.deps.subscriptions.findOne({ storeId: store.id }).lean()
    if (doc?.status !== 'active') {
      throw new InvalidStateError(
        'Only an active subscription can change plan: subscribe first',
        'not_subscribed',
      )
    }
    if (planCode === doc.planCode) {
      throw new InvalidStateError(`You are on ${planCode} already`, 'same_plan')
    }
    if (planCode === FREE_PLAN_CODE) return this.cancel(ctx)
    const current = await this.deps.plans.doc(doc.planCode)
    const target = await this.paidPlan(planCode)
    if (target.amount > current.amount)
      return toSubscriptionDTO(await this.upgrade(ctx, doc, target))
    const moved = await this.records.move(
      ctx,
      doc,
      'non_renewing',
      `downgrade to ${target.code} at period end`,
      {
        set: { pendingPlanCode: target.code },
      },
    )
    await this.stopRenewals(doc)
    await this.deps.audit.record(
      ctx,
      'subscription.downgrade',
      { type: 'store', id: store.id },
      {
        details: { from: doc.planCode, to: target.code },
      },
    )
    return toSubscriptionDTO(moved)
  }

  /**
   * Cancels at the end of the paid period: renewals stop now (Paystack disabled), the plan
   * stays in force until `currentPeriodEnd`, then the store is on the free tier.
   * @throws InvalidStateError `not_subscribed` unless active or in its grace period.
   */
  async cancel(ctx: Ctx): Promise<SubscriptionDTO> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    const doc = await this.deps.subscriptions.findOne({ storeId: store.id }).lean()
    if (!doc || !CANCELLABLE.includes(doc.status)) {
      throw new InvalidStateError('You have no subscription to cancel', 'not_subscribed')
    }
    const moved = await this.records.move(ctx, doc, 'non_renewing', 'cancelled by the seller', {
      set: { pendingPlanCode: FREE_PLAN_CODE },
    })
    // Ours first, then Paystack's: the disable webhook then finds it non-renewing already.
    await this.stopRenewals(doc)
    await this.deps.audit.record(
      ctx,
      'subscription.cancel',
      { type: 'store', id: store.id },
      {
        details: { plan: doc.planCode },
      },
    )
    return toSubscriptionDTO(moved)
  }

  /** The seller's invoices, newest first. */
  async invoices(ctx: Ctx, query: ListInvoicesQuery = {}): Promise<Page<InvoiceDTO>> {
    requireRole(ctx, 'seller')
    const q = validateInput(listInvoicesQuery, query)
    const store = await this.deps.stores.requireOwnStore(ctx)
    return this.invoicePage(store.id, q.limit, q.cursor)
  }

  // ---- administrators -------------------------------------------------------------------------

  /** Every subscription, newest first, by status or plan. */
  async list(ctx: Ctx, query: ListSubscriptionsQuery = {}): Promise<Page<SubscriptionDTO>> {
    requireRole(ctx, 'admin')
    const q = validateInput(listSubscriptionsQuery, query)
    const filter: Record<string, unknown> = { ...afterIdCursor(q.cursor) }
    if (q.status) filter.status = q.status
    if (q.planCode) filter.planCode = q.planCode
    const rows = await this.deps.subscriptions
      .find(filter)
      .sort({ _id: -1 })
      .limit(q.limit + 1)
      .lean()
    return toPage(rows, q.limit, toSubscriptionDTO, idCursorOf)
  }

  /** One store's subscription with its latest invoices. @throws NotFoundError */
  async get(
    ctx: Ctx,
    storeId: string,
  ): Promise<{ subscription: SubscriptionDTO; invoices: InvoiceDTO[] }> {
    requireRole(ctx, 'admin')
    if (!isId(storeId)) throw new NotFoundError('Subscription')
    const doc = await this.deps.subscriptions.findOne({ storeId }).lean()
    if (!doc) throw new NotFoundError('Subscription')
    const invoices = await this.invoicePage(storeId, 20)
    return { subscription: toSubscriptionDTO(doc), invoices: invoices.items }
  }

  // ---- Paystack and the job -------------------------------------------------------------------

  /** The `paystack.event_received` subscriber: subscription and invoice events drive the state. */
  async onPaystackEvent(event: DomainEvents['paystack.event_received']): Promise<void> {
    await this.webhooks.handle(event)
  }

  /**
   * The `plans-subscriptions` job: reminds sellers in their grace period, falls back to free
   * when it is over, and ends non-renewing subscriptions at their period end (starting a
   * scheduled cheaper plan).
   */
  async sweep(ctx: Ctx): Promise<SubscriptionSweep> {
    const outcome: SubscriptionSweep = { reminded: 0, expired: 0, renewedOnScheduledPlan: 0 }
    const now = ctx.now
    const attention = await this.deps.subscriptions.find({ status: 'attention' }).lean()
    for (const doc of attention) {
      if (doc.graceUntil && doc.graceUntil <= now) {
        await this.expire(ctx, doc, 'grace period over after a failed renewal')
        outcome.expired += 1
      } else if (await this.remindIfDue(doc, now)) outcome.reminded += 1
    }
    const ending = await this.deps.subscriptions
      .find({ status: 'non_renewing', currentPeriodEnd: op({ $lte: now }) })
      .lean()
    for (const doc of ending) {
      const next = doc.pendingPlanCode
      if (next && next !== FREE_PLAN_CODE && (await this.startScheduledPlan(ctx, doc, next))) {
        outcome.renewedOnScheduledPlan += 1
      } else {
        await this.expire(ctx, doc, 'paid period over')
        outcome.expired += 1
      }
    }
    return outcome
  }

  // ---- steps shared with the webhooks ---------------------------------------------------------

  /** Puts a plan's policy in force at the store: commission, featured, payout minimum, limit. */
  async applyPlan(ctx: Ctx, storeId: string, plan: PlanDoc) {
    const system = systemCtx('plans.apply', ctx.now)
    await this.deps.stores.applyPlanPolicy(system, storeId, policyOf(plan))
    return this.deps.products.applyListingLimit(system, storeId, plan.productLimit ?? null)
  }

  /** Back on the free tier, data kept: products over its limit hidden. */
  async expire(ctx: Ctx, doc: SubscriptionDoc, reason: string): Promise<void> {
    const moved = await this.records.move(ctx, doc, 'expired', reason, {
      set: { planCode: FREE_PLAN_CODE },
      unset: ['pendingPlanCode', 'graceUntil'],
    })
    const limited = await this.applyPlan(ctx, moved.storeId, await this.deps.plans.free())
    await this.deps.mail.backOnFree(moved.storeId, {
      plan: doc.planCode,
      hidden: limited.hidden.length,
    })
  }

  /** Sends the seller the next grace-period reminder when it is due; true if it sent one. */
  async remindIfDue(doc: SubscriptionDoc, now: Date): Promise<boolean> {
    if (!doc.graceUntil) return false
    const failedAt = doc.graceUntil.getTime() - GRACE_DAYS * DAY_MS
    const dueDay = REMINDER_DAYS[doc.remindersSent]
    if (dueDay === undefined || now.getTime() < failedAt + dueDay * DAY_MS) return false
    // Claimed by the counter: two sweeps at once send one reminder.
    const claimed = await this.records.patch(
      doc,
      { remindersSent: doc.remindersSent + 1 },
      { remindersSent: doc.remindersSent },
    )
    if (!claimed) return false
    await this.deps.mail.renewalFailed(doc.storeId, {
      plan: doc.planCode,
      graceUntil: doc.graceUntil,
      reminder: doc.remindersSent + 1,
    })
    return true
  }

  // ---- internals ------------------------------------------------------------------------------

  private async paidPlan(code: string): Promise<PlanDoc> {
    if (code === FREE_PLAN_CODE) {
      throw new InvalidStateError(
        'The free tier needs no subscription: cancel your plan to return to it',
        'free_plan',
      )
    }
    const plan = await this.deps.plans.doc(code)
    if (plan.status !== 'active') {
      throw new InvalidStateError(`The ${plan.code} plan is no longer offered`, 'plan_archived')
    }
    if (!plan.paystackPlanCode) {
      throw new ValidationError('Invalid input', { planCode: 'is not a paid plan' })
    }
    return plan
  }

  /** Disables the Paystack subscription so that Paystack charges no more renewals. */
  private async stopRenewals(doc: SubscriptionDoc): Promise<void> {
    if (!doc.paystackSubscriptionCode || !doc.emailToken) return
    const remote = await this.deps.paystack.fetchSubscription(doc.paystackSubscriptionCode)
    if (remote.status === 'cancelled' || remote.status === 'complete') return
    await this.deps.paystack.disableSubscription({
      code: doc.paystackSubscriptionCode,
      token: doc.emailToken,
    })
  }

  /** A new Paystack subscription on the saved card: Paystack charges it at once. */
  private async subscribeSavedCard(doc: SubscriptionDoc, plan: PlanDoc) {
    if (!doc.authorizationCode) {
      throw new InvalidStateError('No saved card for this subscription', 'no_saved_card')
    }
    return this.deps.paystack.createSubscription({
      customer: doc.customerEmail,
      plan: plan.paystackPlanCode!,
      authorization: doc.authorizationCode,
    })
  }

  /**
   * A dearer plan now: a new Paystack subscription on the saved card (charged at once), then
   * ours records it before the old one is disabled, so the old one's `subscription.disable`
   * finds it no longer current.
   */
  private async upgrade(ctx: Ctx, doc: SubscriptionDoc, target: PlanDoc): Promise<SubscriptionDoc> {
    const remote = await this.subscribeSavedCard(doc, target)
    const moved = await this.records.patch(
      doc,
      {
        planCode: target.code,
        paystackSubscriptionCode: remote.subscriptionCode,
        emailToken: remote.emailToken,
        ...(remote.nextPaymentDate ? { currentPeriodEnd: new Date(remote.nextPaymentDate) } : {}),
      },
      {},
      { ctx, reason: `upgraded from ${doc.planCode}` },
    )
    if (!moved) throw changedMeanwhile()
    await this.applyPlan(ctx, doc.storeId, target)
    await this.stopRenewals(doc)
    await this.deps.audit.record(
      ctx,
      'subscription.upgrade',
      { type: 'store', id: doc.storeId },
      {
        details: { from: doc.planCode, to: target.code, paystack: remote.subscriptionCode },
      },
    )
    return moved
  }

  /** At the end of the period, a scheduled cheaper plan starts; false when it could not. */
  private async startScheduledPlan(ctx: Ctx, doc: SubscriptionDoc, code: string): Promise<boolean> {
    try {
      const plan = await this.paidPlan(code)
      const remote = await this.subscribeSavedCard(doc, plan)
      await this.records.move(ctx, doc, 'active', `scheduled change to ${plan.code}`, {
        set: {
          planCode: plan.code,
          paystackSubscriptionCode: remote.subscriptionCode,
          emailToken: remote.emailToken,
          ...(remote.nextPaymentDate ? { currentPeriodEnd: new Date(remote.nextPaymentDate) } : {}),
        },
        unset: ['pendingPlanCode'],
      })
      await this.applyPlan(ctx, doc.storeId, plan)
      return true
    } catch (error) {
      this.deps.logger.warn(
        { err: error, storeId: doc.storeId, plan: code },
        'scheduled plan could not start; the store falls back to free',
      )
      return false
    }
  }

  private async invoicePage(storeId: string, limit: number, cursor?: string) {
    const filter: Record<string, unknown> = { storeId, ...afterIdCursor(cursor) }
    const rows = await this.deps.invoices
      .find(filter)
      .sort({ _id: -1 })
      .limit(limit + 1)
      .lean()
    return toPage(rows, limit, toInvoiceDTO, idCursorOf)
  }
}

const changedMeanwhile = () =>
  new ChangedMeanwhileError('subscription', 'The subscription changed meanwhile; read it again')
