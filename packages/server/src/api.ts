import {
  type Core,
  type Ctx,
  databaseUnavailable,
  isAppError,
  makeCtx,
  newRequestId,
  type Principal,
  ValidationError,
} from '@kloset/core'
import { openApiDocumentBody } from './contract/responses.js'
import { apiDocsRoutes } from './http/api-docs.js'
import { createCors } from './http/cors.js'
import { buildOpenApi } from './http/openapi.js'
import { inputOf } from './http/parse.js'
import { abuseSignalOf, withRateLimit } from './http/rate-limits.js'
import { appErrorResponse, errorBody, json, jsonBytes } from './http/respond.js'
import type { RouteDef } from './http/route.js'
import { Router } from './http/router.js'
import { createPages } from './pages/pages.js'
import { adminAuditRoutes } from './routes/admin-audit.routes.js'
import { adminFraudRoutes } from './routes/admin-fraud.routes.js'
import { adminInsightRoutes } from './routes/admin-insight.routes.js'
import { adminIpBlockRoutes } from './routes/admin-ip-blocks.routes.js'
import { adminMailRoutes } from './routes/admin-mail.routes.js'
import { adminOrderRoutes } from './routes/admin-orders.routes.js'
import { adminPaymentRoutes } from './routes/admin-payments.routes.js'
import { adminPayoutRoutes } from './routes/admin-payouts.routes.js'
import { adminPlanRoutes } from './routes/admin-plans.routes.js'
import { adminProductRoutes } from './routes/admin-products.routes.js'
import { adminReconcileRoutes } from './routes/admin-reconcile.routes.js'
import { adminStoreRoutes } from './routes/admin-stores.routes.js'
import { adminUserRoutes } from './routes/admin-users.routes.js'
import { authRoutes } from './routes/auth.routes.js'
import { cartRoutes } from './routes/cart.routes.js'
import { catalogRoutes } from './routes/catalog.routes.js'
import { adminChatRoutes, chatRoutes } from './routes/chat.routes.js'
import { checkoutRoutes } from './routes/checkout.routes.js'
import { disputeRoutes } from './routes/disputes.routes.js'
import { notificationRoutes } from './routes/notifications.routes.js'
import { orderRoutes } from './routes/orders.routes.js'
import { productImageRoutes } from './routes/product-images.routes.js'
import { realtimeRoutes } from './routes/realtime.routes.js'
import { recommendationRoutes } from './routes/recommendations.routes.js'
import { sellerBalanceRoutes } from './routes/seller-balance.routes.js'
import { sellerOrderRoutes } from './routes/seller-orders.routes.js'
import { sellerPayoutRoutes } from './routes/seller-payouts.routes.js'
import { sellerPlanRoutes } from './routes/seller-plans.routes.js'
import { sellerProductRoutes } from './routes/seller-products.routes.js'
import { sellerStockRoutes } from './routes/seller-stock.routes.js'
import { publicStoreRoutes, sellerStoreRoutes } from './routes/seller-store.routes.js'
import { systemRoutes } from './routes/system.routes.js'
import { webhookRoutes } from './routes/webhooks.routes.js'
import { wishlistRoutes } from './routes/wishlist.routes.js'

/** Every route of the API, in one table: the router, the OpenAPI document and tests read it. */
export const allRoutes: RouteDef[] = [
  ...systemRoutes,
  ...authRoutes,
  ...adminUserRoutes,
  ...adminAuditRoutes,
  ...sellerStoreRoutes,
  ...publicStoreRoutes,
  ...catalogRoutes,
  ...adminStoreRoutes,
  ...webhookRoutes,
  ...productImageRoutes,
  ...sellerProductRoutes,
  ...sellerStockRoutes,
  ...sellerPayoutRoutes,
  ...sellerBalanceRoutes,
  ...adminProductRoutes,
  ...cartRoutes,
  ...checkoutRoutes,
  ...orderRoutes,
  ...sellerOrderRoutes,
  ...adminOrderRoutes,
  ...adminPayoutRoutes,
  ...adminPaymentRoutes,
  ...realtimeRoutes,
  ...notificationRoutes,
  ...adminFraudRoutes,
  ...wishlistRoutes,
  ...recommendationRoutes,
  ...chatRoutes,
  ...adminChatRoutes,
  ...sellerPlanRoutes,
  ...adminPlanRoutes,
  ...adminIpBlockRoutes,
  ...adminMailRoutes,
  ...adminInsightRoutes,
  ...disputeRoutes,
  ...adminReconcileRoutes,
]

/** What the host knows about the connection that the web `Request` does not carry. */
export interface ConnectionInfo {
  ip?: string
}

/** The API as a web-standard handler: served by Express on Node and by `Deno.serve` unchanged. */
export interface Api {
  fetch(request: Request, info?: ConnectionInfo): Promise<Response>
  routes: RouteDef[]
}

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/

function bearer(request: Request): string | undefined {
  const header = request.headers.get('authorization')
  if (!header) return undefined
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header)
  return match?.[1] ?? ''
}

/** The row of `GET /api/v1/openapi.json`; the handler serves the document of its own API. */
const openApiRoute = (handler: RouteDef['handler']): RouteDef => ({
  method: 'GET',
  path: '/api/v1/openapi.json',
  auth: 'public',
  tag: 'System',
  summary: 'This document',
  response: openApiDocumentBody,
  responses: { 200: 'OpenAPI 3.1' },
  handler,
})

/** The OpenAPI document of the API, as `/api/v1/openapi.json` serves it (bin/contract.js). */
export function apiDocument(info: { version: string; serverUrl: string }) {
  return buildOpenApi([...allRoutes, openApiRoute(async () => json(null, 500))], info)
}

export function createApi(core: Core, options: { version?: string } = {}): Api {
  const routes = allRoutes
  let openapiBody: string | undefined
  const openapi = (): string => {
    openapiBody ??= JSON.stringify(
      apiDocument({ version: options.version ?? '0.1.0', serverUrl: core.config.publicUrl }),
    )
    return openapiBody
  }
  const router: Router = new Router([
    ...routes,
    openApiRoute(async () => jsonBytes(openapi(), 200, { 'cache-control': 'public, max-age=300' })),
    ...apiDocsRoutes,
  ])

  const cors = createCors(core.config.cors?.allowedOrigins)
  // The pages links land on when there is no storefront (docs/pages.md); not in the OpenAPI.
  const pages = createPages(core)

  // size: the one request path, read top to bottom: blocks, limits, route, errors, CORS, abuse signals, log.
  async function handle(
    request: Request,
    url: URL,
    requestId: string,
    info: ConnectionInfo,
    seen: { userId?: string },
  ) {
    const page = pages?.match(request.method, url.pathname)
    if (page && page !== 'method_not_allowed') {
      const ctx = makeCtx({ kind: 'anonymous' }, core.clock.now(), requestId, info.ip)
      const input = { body: undefined, query: undefined }
      return page.route.handler(request, { core, ctx, params: page.params, url, input })
    }
    const found = router.match(request.method, url.pathname)
    if (found === 'method_not_allowed') {
      return json(errorBody('method_not_allowed', 'Method not allowed', requestId), 405)
    }
    if (!found) return json(errorBody('not_found', 'No such route', requestId), 404)
    const { route, params } = found

    let principal: Principal | undefined
    const token = bearer(request)
    if (token !== undefined) {
      if (!token && route.auth !== 'public') {
        return json(errorBody('unauthorized', 'Malformed Authorization header', requestId), 401)
      }
      if (token) principal = await core.accounts.authenticate(token)
      if (principal) seen.userId = principal.actor.id
    }
    if (route.auth !== 'public') {
      if (!principal) {
        return json(errorBody('unauthorized', 'Authentication required', requestId), 401, {
          'www-authenticate': 'Bearer',
        })
      }
      if (Array.isArray(route.auth) && !route.auth.includes(principal.actor.role)) {
        return json(errorBody('forbidden', 'You are not allowed to do this', requestId), 403)
      }
    }
    // A route that declares no query schema takes no parameters: a typo is a 400, not ignored.
    if (!route.query && url.search.length > 1) {
      const names = [...new Set(url.searchParams.keys())].join(', ')
      throw new ValidationError('Unknown query parameters', {
        query: `unknown parameter(s): ${names}`,
      })
    }
    const ctx: Ctx = makeCtx(
      principal?.actor ?? { kind: 'anonymous' },
      core.clock.now(),
      requestId,
      info.ip,
    )
    const client = {
      ...(info.ip ? { ip: info.ip } : {}),
      ...(seen.userId ? { userId: seen.userId } : {}),
    }
    return withRateLimit(core, route, client, requestId, async () =>
      route.handler(request, {
        core,
        ctx,
        params,
        url,
        input: await inputOf(route, request, url),
        ...(principal ? { principal } : {}),
      }),
    )
  }

  return {
    routes,
    async fetch(request, info = {}) {
      const started = performance.now()
      const incoming = request.headers.get('x-request-id')
      const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : newRequestId()
      const url = new URL(request.url)
      let response: Response
      const seen: { userId?: string } = {}
      try {
        response = (await core.ipBlocks.isBlocked(info.ip))
          ? json(errorBody('ip_blocked', 'Requests from this address are blocked', requestId), 403)
          : (cors.preflight(request) ?? (await handle(request, url, requestId, info, seen)))
      } catch (thrown) {
        const error = databaseUnavailable(thrown) ?? thrown
        if (isAppError(error)) {
          response = appErrorResponse(error, requestId)
        } else {
          core.logger.error(
            { err: error, requestId, method: request.method, path: url.pathname },
            'unhandled error',
          )
          response = json(
            errorBody('internal_error', 'Something went wrong on our side', requestId),
            500,
          )
        }
      }
      cors.decorate(request, response)
      try {
        response.headers.set('x-request-id', requestId)
      } catch {
        // Immutable headers (Response.redirect): the id is still in the log line.
      }
      const signal = abuseSignalOf(request.method, url.pathname, response.status)
      if (signal) await core.autoBlocks.record(signal, info.ip)
      if (core.logger.isLevelEnabled('info')) {
        core.logger.info(
          {
            method: request.method,
            path: url.pathname,
            status: response.status,
            // The address believed (TRUST_PROXY), the one limits and blocks apply to.
            ...(info.ip ? { ip: info.ip } : {}),
            ms: Math.round((performance.now() - started) * 10) / 10,
            requestId,
            ...(seen.userId ? { userId: seen.userId } : {}),
          },
          'request',
        )
      }
      return response
    },
  }
}
