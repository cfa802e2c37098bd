/** Seller plans and their Paystack subscriptions: what the rest of the code may use. */
export {
  createInvoiceModel,
  createPlanModel,
  createSubscriptionModel,
  type InvoiceModel,
  type PlanModel,
  type SubscriptionModel,
} from './plan.model.js'
export * from './plan.schemas.js'
export * from './plan.types.js'
export { type PlansDeps, PlansService, policyOf, toPlanDTO } from './plans.service.js'
export { toInvoiceDTO, toSubscriptionDTO } from './subscription.records.js'
export {
  CANCELLABLE,
  GRACE_DAYS,
  PLAN_IN_FORCE,
  REMINDER_DAYS,
  subscriptionTransitions,
} from './subscription.transitions.js'
export { SUBSCRIPTION_WEBHOOK_EVENTS } from './subscription.webhooks.js'
export { SubscriptionMail } from './subscription-mail.js'
export {
  type SubscriptionSweep,
  type SubscriptionsDeps,
  SubscriptionsService,
} from './subscriptions.service.js'
