import type { Core, Ctx, Principal, Role, RouteClass } from '@kloset/core'
import type { z } from 'zod'

export interface RouteContext {
  core: Core
  ctx: Ctx
  params: Record<string, string>
  url: URL
  principal?: Principal
}

export type Handler = (request: Request, route: RouteContext) => Promise<Response>

/** A route's success body: one schema, or one per 2xx status. */
export type ResponseSchemas = z.ZodType | Partial<Record<number, z.ZodType>>

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * One route: what it accepts (the same zod schemas that validate feed the OpenAPI document),
 * who may call it, and the handler. `auth` gates authentication and role at the door; the core
 * service still checks authorization itself, so the CLI gets the same rules.
 */
export interface RouteDef {
  method: HttpMethod
  path: string
  auth: 'public' | 'user' | readonly Role[]
  summary: string
  tag: string
  body?: z.ZodType
  /** A `multipart/form-data` body carrying one file in `field` (uploads), for the OpenAPI document. */
  upload?: { field: string; maxBytes: number; accept: readonly string[] }
  query?: z.ZodType
  /** Status codes this route answers with, for the OpenAPI document. */
  responses: Record<number, string>
  /**
   * The zod schema of the success body (the 2xx status of `responses` that has a body), or one
   * per status. The OpenAPI document and the contract test read it (docs/architecture.md).
   */
  response?: ResponseSchemas
  /**
   * The success body in other media types, chosen by the request's `Accept` (the revenue
   * report's `text/csv`), each with a zod schema of the body as text: the OpenAPI document lists
   * them beside `application/json`, and the contract checker holds such an answer to its own.
   */
  alsoAnswers?: Record<string, z.ZodType>
  /** An `Idempotency-Key` header is accepted (money-moving POSTs). */
  idempotent?: boolean
  /** The request budget it spends, when not the one `routeClassOf` derives (rate-limits.ts). */
  rateLimit?: RouteClass
  handler: Handler
}

/** Declares a route; exists for type inference and to keep route files uniform. */
export const route = (def: RouteDef): RouteDef => def
