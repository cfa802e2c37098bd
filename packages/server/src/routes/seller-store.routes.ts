import { registerStoreBody, storeHolidayBody, updateStoreBody } from '@kloset/core'
import { publicStoreBody, storeBody } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Seller: store'
const seller = ['seller'] as const

/** A seller's own store: there is no id in these paths, so no seller can address another's. */
export const sellerStoreRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/seller/store',
    auth: seller,
    tag,
    summary: 'Register your store; it waits for an administrator to approve it',
    body: registerStoreBody,
    response: storeBody,
    responses: {
      201: 'The pending store',
      400: 'Invalid input or unknown field',
      409: 'You already have a store, or the name or slug is taken',
    },
    handler: async (_req, { core, ctx, input }) =>
      json({ store: await core.stores.register(ctx, input.body) }, 201),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/store',
    auth: seller,
    tag,
    summary: 'Your store, with its status and the reason of the last decision',
    response: storeBody,
    responses: { 200: 'The store', 404: 'You have no store yet' },
    handler: async (_req, { core, ctx }) => json({ store: await core.stores.requireOwnStore(ctx) }),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/seller/store',
    auth: seller,
    tag,
    summary: 'Edit your store; editing a rejected store sends it for review again',
    body: updateStoreBody,
    response: storeBody,
    responses: {
      200: 'The store',
      400: 'Invalid input or unknown field',
      404: 'You have no store yet',
      409: 'The name is taken, or the store is closed',
    },
    handler: async (_req, { core, ctx, input }) =>
      json({ store: await core.stores.updateOwn(ctx, input.body) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/store/holiday',
    auth: seller,
    tag,
    summary: 'Holiday mode: hide your products from checkout until a time, or end it with null',
    body: storeHolidayBody,
    response: storeBody,
    responses: {
      200: 'The store',
      400: 'Not a future time within a year',
      404: 'You have no store yet',
      409: 'The store is closed',
    },
    handler: async (_req, { core, ctx, input }) =>
      json({ store: await core.stores.setHoliday(ctx, input.body) }),
  }),
]

/** The public page of a store (its products are listed by the catalog routes). */
export const publicStoreRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/stores/:slug',
    auth: 'public',
    tag: 'Stores',
    summary: 'A store open for business',
    response: publicStoreBody,
    responses: { 200: 'The store', 404: 'No such store, or not open for business' },
    handler: async (_req, { core, ctx, params }) =>
      json({ store: await core.stores.getPublic(ctx, params.slug!) }),
  }),
]
