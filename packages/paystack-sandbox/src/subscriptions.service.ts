import { prefixedCode, randomCode } from './ids.js'
import { invalid, notFound } from './paystack.errors.js'
import { invoiceData, subscriptionData } from './paystack.presenters.js'
import type {
  ChargeOutcome,
  InvoiceRecord,
  PlanInterval,
  PlanRecord,
  SubscriptionRecord,
  TransactionRecord,
} from './paystack.types.js'
import type { CreatePlanBody, CreateSubscriptionBody } from './requests.schemas.js'
import type { SandboxContext } from './sandbox.context.js'
import { chargeSavedCard, findCustomer } from './transactions.service.js'

/** The date one billing interval after `from`. */
export function addInterval(from: Date, interval: PlanInterval): Date {
  const next = new Date(from)
  switch (interval) {
    case 'hourly':
      next.setUTCHours(next.getUTCHours() + 1)
      break
    case 'daily':
      next.setUTCDate(next.getUTCDate() + 1)
      break
    case 'weekly':
      next.setUTCDate(next.getUTCDate() + 7)
      break
    case 'monthly':
      next.setUTCMonth(next.getUTCMonth() + 1)
      break
    case 'quarterly':
      next.setUTCMonth(next.getUTCMonth() + 3)
      break
    case 'biannually':
      next.setUTCMonth(next.getUTCMonth() + 6)
      break
    case 'annually':
      next.setUTCFullYear(next.getUTCFullYear() + 1)
      break
  }
  return next
}

/** `POST /plan`. */
export function createPlan(ctx: SandboxContext, input: CreatePlanBody): PlanRecord {
  const now = ctx.now().toISOString()
  const plan: PlanRecord = {
    id: ctx.store.nextId(),
    planCode: prefixedCode('PLN'),
    name: input.name,
    description: input.description ?? null,
    amount: input.amount,
    interval: input.interval,
    currency: input.currency ?? 'NGN',
    invoiceLimit: input.invoice_limit ?? 0,
    sendInvoices: input.send_invoices ?? true,
    sendSms: input.send_sms ?? true,
    createdAt: now,
    updatedAt: now,
  }
  ctx.store.state.plans.push(plan)
  return plan
}

/** Finds a plan by code or id. @throws PaystackError 404 "Plan not found". */
export function planByKey(ctx: SandboxContext, key: string): PlanRecord {
  const plan = ctx.store.state.plans.find((p) => p.planCode === key || String(p.id) === key)
  if (!plan) throw notFound('Plan not found')
  return plan
}

/** Finds a subscription by code or id. @throws PaystackError 404 "Subscription not found". */
export function subscriptionByKey(ctx: SandboxContext, key: string): SubscriptionRecord {
  const subscription = ctx.store.state.subscriptions.find(
    (s) => s.subscriptionCode === key || String(s.id) === key,
  )
  if (!subscription) throw notFound('Subscription not found')
  return subscription
}

function newSubscription(
  ctx: SandboxContext,
  plan: PlanRecord,
  customerId: number,
  authorizationCode: string,
  nextPaymentDate: Date,
  invoiceLimit: number,
): SubscriptionRecord {
  const now = ctx.now().toISOString()
  const subscription: SubscriptionRecord = {
    id: ctx.store.nextId(),
    subscriptionCode: prefixedCode('SUB'),
    emailToken: randomCode(20),
    customerId,
    planId: plan.id,
    authorizationCode,
    status: 'active',
    amount: plan.amount,
    invoiceLimit,
    paymentsCount: 0,
    nextPaymentDate: nextPaymentDate.toISOString(),
    createdAt: now,
    updatedAt: now,
  }
  ctx.store.state.subscriptions.push(subscription)
  return subscription
}

/** After a paid checkout for a plan, Paystack subscribes the customer; so do we. */
export function subscribeAfterCheckout(ctx: SandboxContext, transaction: TransactionRecord): void {
  const plan = ctx.store.state.plans.find((p) => p.planCode === transaction.planCode)
  if (!plan || !transaction.authorizationCode) return
  const paidAt = new Date(transaction.paidAt ?? ctx.now())
  const subscription = newSubscription(
    ctx,
    plan,
    transaction.customerId,
    transaction.authorizationCode,
    addInterval(paidAt, plan.interval),
    plan.invoiceLimit,
  )
  subscription.paymentsCount = 1
  ctx.events.emit('subscription.create', subscriptionData(ctx, subscription))
}

/**
 * `POST /subscription`: charges the saved card at once unless `start_date` is given.
 * @throws PaystackError 400 for an unknown customer or plan, or a customer with no saved card.
 */
export function createSubscription(
  ctx: SandboxContext,
  input: CreateSubscriptionBody,
): SubscriptionRecord {
  const customer = findCustomer(ctx, input.customer)
  if (!customer) throw invalid('Customer not found', 'invalid_customer')
  const plan = ctx.store.state.plans.find(
    (p) => p.planCode === input.plan || String(p.id) === input.plan,
  )
  if (!plan) throw invalid('Plan not found', 'invalid_plan')
  const authorizations = ctx.store.state.authorizations.filter(
    (auth) => auth.customerId === customer.id && auth.reusable,
  )
  const authorization = input.authorization
    ? authorizations.find((auth) => auth.code === input.authorization)
    : authorizations.at(-1)
  if (!authorization) {
    throw invalid(
      input.authorization
        ? 'Authorization code is invalid for this customer'
        : 'This customer has no saved authorizations',
    )
  }
  const start = input.start_date ? new Date(input.start_date) : ctx.now()
  const subscription = newSubscription(
    ctx,
    plan,
    customer.id,
    authorization.code,
    start,
    plan.invoiceLimit,
  )
  ctx.events.emit('subscription.create', subscriptionData(ctx, subscription))
  if (!input.start_date) renewSubscription(ctx, subscription)
  return subscription
}

/**
 * Bills one cycle now: `invoice.create`, a charge of the saved card, then `invoice.update`
 * (and `invoice.payment_failed` when the charge fails). The sandbox has no billing clock;
 * the control endpoint `/__sandbox/subscriptions/:code/renew` calls this.
 */
export function renewSubscription(
  ctx: SandboxContext,
  subscription: SubscriptionRecord,
): InvoiceRecord {
  if (subscription.status === 'cancelled' || subscription.status === 'complete') {
    throw invalid(`Subscription is ${subscription.status}`)
  }
  const plan = planByKey(ctx, String(subscription.planId))
  const customer = findCustomer(ctx, String(subscription.customerId))
  if (!customer) throw invalid('Customer not found')
  const periodStart = ctx.now()
  const now = periodStart.toISOString()
  const invoice: InvoiceRecord = {
    id: ctx.store.nextId(),
    invoiceCode: prefixedCode('INV'),
    subscriptionId: subscription.id,
    transactionId: null,
    amount: subscription.amount,
    status: 'pending',
    periodStart: now,
    periodEnd: addInterval(periodStart, plan.interval).toISOString(),
    paidAt: null,
    createdAt: now,
    updatedAt: now,
  }
  ctx.store.state.invoices.push(invoice)
  ctx.events.emit('invoice.create', invoiceData(ctx, invoice))
  const transaction = chargeSavedCard(ctx, {
    email: customer.email,
    amount: subscription.amount,
    authorizationCode: subscription.authorizationCode,
    currency: plan.currency,
    planCode: plan.planCode,
    source: 'subscription',
  })
  invoice.transactionId = transaction.id
  invoice.updatedAt = ctx.now().toISOString()
  if (transaction.status === 'success') {
    invoice.status = 'success'
    invoice.paidAt = transaction.paidAt
    subscription.paymentsCount += 1
    subscription.status = 'active'
    subscription.nextPaymentDate = invoice.periodEnd
    if (subscription.invoiceLimit > 0 && subscription.paymentsCount >= subscription.invoiceLimit) {
      subscription.status = 'complete'
      subscription.nextPaymentDate = null
    }
  } else {
    invoice.status = 'failed'
    subscription.status = 'attention'
  }
  subscription.updatedAt = invoice.updatedAt
  ctx.events.emit('invoice.update', invoiceData(ctx, invoice))
  if (invoice.status === 'failed')
    ctx.events.emit('invoice.payment_failed', invoiceData(ctx, invoice))
  return invoice
}

function subscriptionForToggle(ctx: SandboxContext, code: string, token: string) {
  const subscription = ctx.store.state.subscriptions.find((s) => s.subscriptionCode === code)
  if (!subscription || subscription.emailToken !== token) {
    throw notFound('Subscription with code and token not found')
  }
  return subscription
}

/** `POST /subscription/disable`: needs the code and the email token, as on Paystack. */
export function disableSubscription(ctx: SandboxContext, code: string, token: string) {
  const subscription = subscriptionForToggle(ctx, code, token)
  if (subscription.status === 'cancelled') throw invalid('Subscription is already inactive')
  subscription.status = 'cancelled'
  subscription.nextPaymentDate = null
  subscription.updatedAt = ctx.now().toISOString()
  ctx.events.emit('subscription.disable', subscriptionData(ctx, subscription))
  return subscription
}

/** `POST /subscription/enable`: a cancelled subscription resumes from now. */
export function enableSubscription(ctx: SandboxContext, code: string, token: string) {
  const subscription = subscriptionForToggle(ctx, code, token)
  if (subscription.status === 'active') throw invalid('Subscription is already active')
  const plan = planByKey(ctx, String(subscription.planId))
  subscription.status = 'active'
  subscription.nextPaymentDate = addInterval(ctx.now(), plan.interval).toISOString()
  subscription.updatedAt = ctx.now().toISOString()
  return subscription
}

/**
 * Bills one cycle now with a given outcome for this charge only (the saved card's standing
 * outcome is restored afterwards): how tests and demos make one renewal fail.
 */
export function renewWithOutcome(
  ctx: SandboxContext,
  subscription: SubscriptionRecord,
  outcome: ChargeOutcome | undefined,
): InvoiceRecord {
  const authorization = ctx.store.state.authorizations.find(
    (auth) => auth.code === subscription.authorizationCode,
  )
  if (!outcome || !authorization) return renewSubscription(ctx, subscription)
  const standing = authorization.nextOutcome
  authorization.nextOutcome = outcome
  try {
    return renewSubscription(ctx, subscription)
  } finally {
    authorization.nextOutcome = standing
  }
}

/**
 * The customer turned renewals off (Paystack's manage page): the subscription becomes
 * `non-renewing` until its next payment date, and `subscription.not_renew` is sent.
 */
export function stopRenewing(ctx: SandboxContext, subscription: SubscriptionRecord) {
  if (subscription.status !== 'active' && subscription.status !== 'attention') {
    throw invalid(`Subscription is ${subscription.status}`)
  }
  subscription.status = 'non-renewing'
  subscription.updatedAt = ctx.now().toISOString()
  ctx.events.emit('subscription.not_renew', subscriptionData(ctx, subscription))
  return subscription
}
