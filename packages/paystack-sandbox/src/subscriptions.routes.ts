import { ok, type Route, route } from './http.router.js'
import { parseInput } from './input.validation.js'
import { newestFirst, paginate } from './list.paging.js'
import { planData, subscriptionData } from './paystack.presenters.js'
import {
  createPlanBody,
  createSubscriptionBody,
  toggleSubscriptionBody,
} from './requests.schemas.js'
import type { SandboxContext } from './sandbox.context.js'
import {
  createPlan,
  createSubscription,
  disableSubscription,
  enableSubscription,
  planByKey,
  subscriptionByKey,
} from './subscriptions.service.js'
import { findCustomer } from './transactions.service.js'

// size: a route table, one short handler a row; splitting it would scatter one URL space.
/** `/plan` and `/subscription`. */
export function subscriptionRoutes(ctx: SandboxContext): Route[] {
  return [
    route('POST', '/plan', 'secret', ({ body }) =>
      ok('Plan created', planData(createPlan(ctx, parseInput(createPlanBody, body))), {
        status: 201,
      }),
    ),
    route('GET', '/plan', 'secret', ({ query }) => {
      let items = newestFirst(ctx.store.state.plans)
      const interval = query.get('interval')
      if (interval) items = items.filter((plan) => plan.interval === interval)
      const amount = query.get('amount')
      if (amount) items = items.filter((plan) => String(plan.amount) === amount)
      const page = paginate(items, query)
      return ok('Plans retrieved', page.items.map(planData), { meta: page.meta })
    }),
    route('GET', '/plan/:code', 'secret', ({ params }) =>
      ok('Plan retrieved', planData(planByKey(ctx, params.code ?? ''))),
    ),
    route('POST', '/subscription', 'secret', ({ body }) =>
      ok(
        'Subscription successfully created',
        subscriptionData(ctx, createSubscription(ctx, parseInput(createSubscriptionBody, body))),
      ),
    ),
    route('POST', '/subscription/disable', 'secret', ({ body }) => {
      const input = parseInput(toggleSubscriptionBody, body)
      disableSubscription(ctx, input.code, input.token)
      return ok('Subscription disabled successfully', null)
    }),
    route('POST', '/subscription/enable', 'secret', ({ body }) => {
      const input = parseInput(toggleSubscriptionBody, body)
      enableSubscription(ctx, input.code, input.token)
      return ok('Subscription enabled successfully', null)
    }),
    route('GET', '/subscription', 'secret', ({ query }) => {
      let items = newestFirst(ctx.store.state.subscriptions)
      const customerKey = query.get('customer')
      if (customerKey) {
        const customer = findCustomer(ctx, customerKey)
        items = items.filter((s) => s.customerId === customer?.id)
      }
      const planKey = query.get('plan')
      if (planKey) {
        const plan = ctx.store.state.plans.find(
          (p) => String(p.id) === planKey || p.planCode === planKey,
        )
        items = items.filter((s) => s.planId === plan?.id)
      }
      const page = paginate(items, query)
      return ok(
        'Subscriptions retrieved',
        page.items.map((s) => subscriptionData(ctx, s)),
        { meta: page.meta },
      )
    }),
    route('GET', '/subscription/:code', 'secret', ({ params }) =>
      ok(
        'Subscription retrieved',
        subscriptionData(ctx, subscriptionByKey(ctx, params.code ?? '')),
      ),
    ),
  ]
}
