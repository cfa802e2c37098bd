import { recordViewBody } from '@kloset/core'
import {
  alsoBoughtBody,
  forYouBody,
  viewRecordedBody,
} from '../contract/recommendations.schemas.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'
import { cached } from './catalog.routes.js'

const tag = 'Recommendations'
const listOf = '{ items: [{ product, reason }] }: at most 10, at most 3 per store, all in stock'

/** "Customers also bought" and "for you" (docs/recommendations.md). */
export const recommendationRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/products/:id/also-bought',
    auth: 'public',
    tag,
    summary:
      'Customers who bought this also bought: co-purchase neighbours, or similar products for a new one',
    response: alsoBoughtBody,
    responses: {
      200: listOf,
      304: 'Not modified (If-None-Match matched the ETag)',
      404: 'No such product, or not on sale',
    },
    handler: async (req, { core, ctx, params }) =>
      cached(req, await core.recommendations.alsoBought(ctx, params.id!)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/recommendations/for-you',
    auth: 'user',
    tag,
    summary:
      'Picked for you from your orders, wishlist and views (`source: personal`), or trending in your categories (`source: trending`)',
    response: forYouBody,
    responses: {
      200: `{ source, items: [{ product, reason }] }: ${listOf}; never what you bought`,
      304: 'Not modified (If-None-Match matched the ETag)',
    },
    // Per buyer: shared caches must not keep it.
    handler: async (req, { core, ctx }) =>
      cached(req, await core.recommendations.forYou(ctx), 'private, no-cache'),
  }),
  route({
    method: 'POST',
    path: '/api/v1/recommendations/views',
    auth: 'user',
    tag,
    summary: 'Record that you opened a product’s page (it feeds “for you”)',
    body: recordViewBody,
    response: viewRecordedBody,
    responses: { 201: '{ recorded: true }', 400: 'Invalid body', 404: 'No such product on sale' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.recommendations.recordView(ctx, input.body), 201),
  }),
]
