import type { Core } from '@kloset/core'
import { openApiDocumentBody } from './contract/responses.js'
import { apiDocsRoutes } from './http/api-docs.js'
import { createCors } from './http/cors.js'
import { type ConnectionInfo, compose, initialState } from './http/middleware.js'
import { buildOpenApi } from './http/openapi.js'
import { apiPipeline, MAX_REQUEST_BYTES } from './http/pipeline.js'
import { json, jsonBytes } from './http/respond.js'
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

export type { ConnectionInfo } from './http/middleware.js'

/** The API as a web-standard handler: served by Express on Node and by `Deno.serve` unchanged. */
export interface Api {
  fetch(request: Request, info?: ConnectionInfo): Promise<Response>
  routes: RouteDef[]
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

/** The API: the route table behind the request pipeline of `http/pipeline.ts`, in order. */
export function createApi(
  core: Core,
  options: { version?: string; maxRequestBytes?: number } = {},
): Api {
  let openapiBody: string | undefined
  const openapi = (): string => {
    openapiBody ??= JSON.stringify(
      apiDocument({ version: options.version ?? '0.1.0', serverUrl: core.config.publicUrl }),
    )
    return openapiBody
  }
  const router = new Router([
    ...allRoutes,
    openApiRoute(async () => jsonBytes(openapi(), 200, { 'cache-control': 'public, max-age=300' })),
    ...apiDocsRoutes,
  ])
  const cors = createCors(core.config.cors?.allowedOrigins)
  const maxRequestBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES
  const pages = createPages(core)
  const handle = compose(apiPipeline({ core, cors, router, pages, maxRequestBytes }))
  return {
    routes: allRoutes,
    fetch: (request, info = {}) => handle(request, initialState(request, info)),
  }
}
