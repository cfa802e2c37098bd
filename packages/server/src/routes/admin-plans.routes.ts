import {
  createPlanBody,
  listPlansQuery,
  listSubscriptionsQuery,
  updatePlanBody,
} from '@kloset/core'
import {
  planBody,
  plansBody,
  subscriptionDetailBody,
  subscriptionsPage,
} from '../contract/plans.schemas.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: plans'
const admin = ['admin'] as const

/** The plan catalog and every store's subscription (the same verbs as `kloset plans` / `subscriptions`). */
export const adminPlanRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/plans',
    auth: admin,
    tag,
    summary: 'Plans, the free tier first; archived ones with archived=true',
    query: listPlansQuery,
    response: plansBody,
    responses: { 200: '{ plans: [Plan] }', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) =>
      json({ plans: await core.plans.list(ctx, input.query) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/plans',
    auth: admin,
    tag,
    summary: 'Create a paid plan and the Paystack plan that bills it',
    body: createPlanBody,
    response: planBody,
    responses: {
      201: '{ plan }',
      400: 'Invalid or unknown fields',
      409: 'A plan with that code exists',
      503: 'Paystack is unavailable',
    },
    handler: async (_req, { core, ctx, input }) =>
      json({ plan: await core.plans.create(ctx, input.body) }, 201),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/admin/plans/:code',
    auth: admin,
    tag,
    summary: 'Change a plan’s policy or wording (price and interval are fixed)',
    body: updatePlanBody,
    response: planBody,
    responses: {
      200: '{ plan }',
      400: 'Invalid or unknown fields',
      404: 'No such plan',
      409: 'Archived plan',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        plan: await core.plans.update(ctx, params.code!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/plans/:code/archive',
    auth: admin,
    tag,
    summary: 'Stop offering a plan; stores on it keep it until they change or cancel',
    response: planBody,
    responses: { 200: '{ plan }', 404: 'No such plan', 409: 'Free tier, or already archived' },
    handler: async (_req, { core, ctx, params }) =>
      json({ plan: await core.plans.archive(ctx, params.code!) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/subscriptions',
    auth: admin,
    tag,
    summary: 'Seller subscriptions, newest first, by status or plan',
    query: listSubscriptionsQuery,
    response: subscriptionsPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid filter' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.subscriptions.list(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/subscriptions/:storeId',
    auth: admin,
    tag,
    summary: 'One store’s subscription with its history and latest invoices',
    response: subscriptionDetailBody,
    responses: { 200: '{ subscription, invoices }', 404: 'No subscription for that store' },
    handler: async (_req, { core, ctx, params }) =>
      json(await core.subscriptions.get(ctx, params.storeId!)),
  }),
]
