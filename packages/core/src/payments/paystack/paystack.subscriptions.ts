import { z } from 'zod'
import type { Currency } from '../../shared/money.js'
import { assertAmount, type PaystackRequest } from './paystack.request.js'
import {
  paystackEnvelope,
  planDataSchema,
  type SubscriptionData,
  subscriptionDataSchema,
} from './paystack.schemas.js'
import type { PaystackPlanRecord, PaystackSubscription } from './paystack.types.js'

// Paystack's plans and subscriptions: what bills a seller's tier.

/** Creates the Paystack plan that bills a seller tier; returns its `PLN_...` code. */
export async function createPlan(
  paystack: PaystackRequest,
  input: {
    name: string
    amount: number
    interval: string
    currency: Currency
    description?: string
  },
): Promise<PaystackPlanRecord> {
  assertAmount(input.amount)
  const data = await paystack.call('POST', '/plan', planDataSchema, 'create plan', {
    body: {
      name: input.name,
      amount: input.amount,
      interval: input.interval,
      currency: input.currency,
      ...(input.description ? { description: input.description } : {}),
    },
  })
  return {
    planCode: data.plan_code,
    name: data.name,
    amount: data.amount,
    interval: data.interval,
    currency: data.currency,
  }
}

/**
 * A subscription as Paystack knows it: the only state of a subscription to act on.
 * @throws PaystackRejectedError for an unknown code.
 */
export async function fetchSubscription(
  paystack: PaystackRequest,
  code: string,
): Promise<PaystackSubscription> {
  const data = await paystack.call(
    'GET',
    `/subscription/${encodeURIComponent(code)}`,
    subscriptionDataSchema,
    'fetch subscription',
  )
  return toSubscription(data)
}

/**
 * Subscribes a customer who has paid before (a saved card) to a plan. Without `startDate`
 * Paystack charges the card at once.
 */
export async function createSubscription(
  paystack: PaystackRequest,
  input: {
    customer: string
    plan: string
    authorization?: string
    startDate?: string
  },
): Promise<PaystackSubscription> {
  const data = await paystack.call(
    'POST',
    '/subscription',
    subscriptionDataSchema,
    'create subscription',
    {
      body: {
        customer: input.customer,
        plan: input.plan,
        ...(input.authorization ? { authorization: input.authorization } : {}),
        ...(input.startDate ? { start_date: input.startDate } : {}),
      },
    },
  )
  return toSubscription(data)
}

/** Stops a subscription's renewals (the code and its email token, as Paystack requires). */
export async function disableSubscription(
  paystack: PaystackRequest,
  input: { code: string; token: string },
): Promise<void> {
  await paystack.send(
    'POST',
    '/subscription/disable',
    paystackEnvelope(z.unknown()),
    'disable subscription',
    { body: { code: input.code, token: input.token } },
  )
}

function toSubscription(data: SubscriptionData): PaystackSubscription {
  return {
    subscriptionCode: data.subscription_code,
    emailToken: data.email_token,
    status: data.status,
    amount: data.amount,
    nextPaymentDate: data.next_payment_date ?? null,
    planCode: data.plan.plan_code,
    customerEmail: data.customer.email,
    authorizationCode:
      typeof data.authorization === 'string'
        ? data.authorization
        : (data.authorization?.authorization_code ?? null),
  }
}
