import { choosePlanBody, listInvoicesQuery } from '@kloset/core'
import {
  invoicesPage,
  plansBody,
  sellerPlanView,
  subscriptionBody,
} from '../contract/plans.schemas.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Seller: plans'
const seller = ['seller'] as const

/** A seller's tier: the plans on offer, their subscription, its changes and invoices. */
export const sellerPlanRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/seller/plans',
    auth: seller,
    tag,
    summary: 'Plans on offer (the free tier first) with what each buys',
    response: plansBody,
    responses: { 200: '{ plans: [Plan] }' },
    handler: async (_req, { core, ctx }) => json({ plans: await core.plans.list(ctx) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/subscription',
    auth: seller,
    tag,
    summary: 'Your plan: the policy in force at your store and your subscription (or null)',
    response: sellerPlanView,
    responses: { 200: '{ policy, subscription }', 404: 'You have no store' },
    handler: async (_req, { core, ctx }) => json(await core.subscriptions.view(ctx)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/subscription',
    auth: seller,
    tag,
    summary:
      'Subscribe to a paid plan: answers the Paystack checkout to pay (authorizationUrl); the subscription.create webhook makes it active',
    body: choosePlanBody,
    response: subscriptionBody,
    responses: {
      201: '{ subscription } with authorizationUrl',
      400: 'Invalid or unknown fields',
      404: 'No store, or no such plan',
      409: 'Store not approved, already subscribed (use change), free tier or archived plan',
      503: 'Paystack is unavailable',
    },
    handler: async (_req, { core, ctx, input }) =>
      json(
        {
          subscription: await core.subscriptions.subscribe(ctx, input.body),
        },
        201,
      ),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/subscription/change',
    auth: seller,
    tag,
    summary:
      'Change plan: a dearer plan starts now (charged to your saved card), a cheaper one or free at the end of the paid period',
    body: choosePlanBody,
    response: subscriptionBody,
    responses: {
      200: '{ subscription }',
      400: 'Invalid or unknown fields',
      404: 'No store, or no such plan',
      409: 'Not subscribed, same plan, or archived plan',
      503: 'Paystack is unavailable',
    },
    handler: async (_req, { core, ctx, input }) =>
      json({
        subscription: await core.subscriptions.change(ctx, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/subscription/cancel',
    auth: seller,
    tag,
    summary:
      'Cancel: renewals stop now, the plan stays in force until the end of the paid period, then the free tier',
    response: subscriptionBody,
    responses: { 200: '{ subscription }', 404: 'You have no store', 409: 'Not subscribed' },
    handler: async (_req, { core, ctx }) =>
      json({ subscription: await core.subscriptions.cancel(ctx) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/subscription/invoices',
    auth: seller,
    tag,
    summary: 'Your plan invoices (first charge and renewals), newest first',
    query: listInvoicesQuery,
    response: invoicesPage,
    responses: { 200: '{ items, nextCursor }', 404: 'You have no store' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.subscriptions.invoices(ctx, input.query)),
  }),
]
