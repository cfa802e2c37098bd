import { addWishlistItemBody, listWishlistQuery, updateWishlistAlertsBody } from '@kloset/core'
import { removedBody, wishlistItemBody, wishlistPage } from '../contract/wishlist.schemas.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Wishlist'
const notFound = 'No such item on your wishlist'

/** The signed-in buyer's wishlist (docs/wishlists.md). */
export const wishlistRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/wishlist',
    auth: 'user',
    tag,
    summary: 'Your saved products, newest first, with today’s price and availability',
    query: listWishlistQuery,
    response: wishlistPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid limit or cursor' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.wishlists.list(ctx, input.query)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/wishlist/items',
    auth: 'user',
    tag,
    summary:
      'Save a live product (or one `variantId` of it) with optional `alerts` (`backInStock`, `priceDrop`); saving it again returns the item',
    body: addWishlistItemBody,
    response: wishlistItemBody,
    responses: {
      200: '{ item }: it was saved already (the alerts given are applied)',
      201: '{ item }',
      400: 'Invalid body',
      404: 'No such product on sale, or a variant not of it',
      409: '`wishlist_full`: the wishlist holds 500 items',
    },
    handler: async (_req, { core, ctx, input }) => {
      const { item, created } = await core.wishlists.add(ctx, input.body)
      return json({ item }, created ? 201 : 200)
    },
  }),
  route({
    method: 'PUT',
    path: '/api/v1/wishlist/items/:id/alerts',
    auth: 'user',
    tag,
    summary: 'Turn an item’s back-in-stock or price-drop alert on (`true`) or off (`false`)',
    body: updateWishlistAlertsBody,
    response: wishlistItemBody,
    responses: { 200: '{ item }', 400: 'Invalid body', 404: notFound },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        item: await core.wishlists.updateAlerts(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/wishlist/items/:id',
    auth: 'user',
    tag,
    summary: 'Remove an item from your wishlist',
    response: removedBody,
    responses: { 200: '{ removed: true }', 404: notFound },
    handler: async (_req, { core, ctx, params }) =>
      json(await core.wishlists.remove(ctx, params.id!)),
  }),
]
