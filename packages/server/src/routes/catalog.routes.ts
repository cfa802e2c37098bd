import { type CachedJson, catalogQuery, storeCatalogQuery } from '@kloset/core'
import { catalogPage, catalogProductBody, categoriesBody } from '../contract/responses.js'
import { jsonBytes } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Catalog'

// Browsers and proxies may keep a copy but must ask again each time (with If-None-Match): a
// suspended store's products must disappear from the very next answer.
const CACHE_CONTROL = 'public, no-cache'

/** True when `If-None-Match` names the entity tag (weak or strong), or is `*`. */
function notModified(request: Request, etag: string): boolean {
  const header = request.headers.get('if-none-match')
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

/** A cached catalog answer: its stored bytes as they are, or 304 when the client has them. */
export function cached(
  request: Request,
  answer: CachedJson,
  cacheControl: string = CACHE_CONTROL,
): Response {
  const headers = { etag: answer.etag, 'cache-control': cacheControl }
  if (notModified(request, answer.etag)) return new Response(null, { status: 304, headers })
  return jsonBytes(answer.body, 200, headers)
}

const listResponses = {
  200: '{ items, nextCursor? }: products with store, price range in kobo, cover image',
  304: 'Not modified (If-None-Match matched the ETag)',
  400: 'Invalid or unknown parameter, or a cursor of another sort order',
}

/** What buyers browse; no sign-in needed. docs/api.md describes the query language. */
export const catalogRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/products',
    auth: 'public',
    tag,
    summary: 'Search and browse live products, a page at a time',
    query: catalogQuery,
    response: catalogPage,
    responses: listResponses,
    handler: async (req, { core, ctx, input }) =>
      cached(req, await core.catalog.listProducts(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/products/:id',
    auth: 'public',
    tag,
    summary: 'A live product with its variants and their availability (no stock counts)',
    response: catalogProductBody,
    responses: {
      200: '{ product }',
      304: 'Not modified (If-None-Match matched the ETag)',
      404: 'No such product, or not on sale',
    },
    handler: async (req, { core, ctx, params }) =>
      cached(req, await core.catalog.getProduct(ctx, params.id!)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/stores/:slug/products',
    auth: 'public',
    tag,
    summary: 'A store’s live products, with the same filters',
    query: storeCatalogQuery,
    response: catalogPage,
    responses: { ...listResponses, 404: 'No such store, or not open for business' },
    handler: async (req, { core, ctx, params, input }) =>
      cached(req, await core.catalog.listStoreProducts(ctx, params.slug!, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/categories',
    auth: 'public',
    tag,
    summary: 'The categories, with the number of live products in each',
    response: categoriesBody,
    responses: { 200: '{ items: [{ slug, name, productCount }] }', 304: 'Not modified' },
    handler: async (req, { core, ctx }) => cached(req, await core.catalog.categories(ctx)),
  }),
]
