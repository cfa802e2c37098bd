import { addCartItemBody, updateCartItemBody } from '@kloset/core'
import { cartBody } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Cart'
const shoppers = ['buyer', 'seller'] as const

export const cartRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/cart',
    auth: shoppers,
    tag,
    summary: 'The signed-in buyer’s cart, priced from the catalog now, with issues per line',
    response: cartBody,
    responses: { 200: '{ cart }' },
    handler: async (_req, { core, ctx }) => json({ cart: await core.cart.get(ctx) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/cart/items',
    auth: shoppers,
    tag,
    summary: 'Add a variant (or add to its line); at most 50 lines and 20 of one item',
    body: addCartItemBody,
    response: cartBody,
    responses: {
      200: '{ cart }',
      400: 'Invalid body or quantity over 20',
      403: 'Your own store',
      404: 'No such variant',
      409: 'Not available, not enough stock, or the cart is full',
    },
    handler: async (_req, { core, ctx, input }) =>
      json({ cart: await core.cart.addItem(ctx, input.body) }),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/cart/items/:id',
    auth: shoppers,
    tag,
    summary: 'Change a line’s quantity; also accepts its current price (clears price_changed)',
    body: updateCartItemBody,
    response: cartBody,
    responses: { 200: '{ cart }', 400: 'Invalid body', 404: 'No such line' },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        cart: await core.cart.updateItem(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/cart/items/:id',
    auth: shoppers,
    tag,
    summary: 'Remove a line',
    response: cartBody,
    responses: { 200: '{ cart }', 404: 'No such line' },
    handler: async (_req, { core, ctx, params }) =>
      json({ cart: await core.cart.removeItem(ctx, params.id!) }),
  }),
]
