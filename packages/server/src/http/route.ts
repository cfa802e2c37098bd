import type { Core, Ctx, Principal, Role, RouteClass } from '@kloset/core'
import type { z } from 'zod'

/** The request's input, parsed by the router with the route row's own `body` and `query`. */
export interface RouteInput<B = unknown, Q = unknown> {
  /** The JSON body validated by the row's `body` (undefined when the row declares none). */
  body: B
  /** The query string validated by the row's `query` (undefined when the row declares none). */
  query: Q
}

export interface RouteContext<B = unknown, Q = unknown> {
  core: Core
  ctx: Ctx
  params: Record<string, string>
  url: URL
  principal?: Principal
  input: RouteInput<B, Q>
}

/** A handler shared by several rows names its input types: `Handler<DisputeNoteBody>`. */
// biome-ignore lint/suspicious/noExplicitAny: a handler written for any row's input
export type Handler<B = any, Q = any> = (
  request: Request,
  route: RouteContext<B, Q>,
) => Promise<Response>

type Schema = z.ZodType | undefined
type InputOf<S extends Schema> = S extends z.ZodType ? z.infer<S> : undefined

/** A route's success body: one schema, or one per 2xx status. */
export type ResponseSchemas = z.ZodType | Partial<Record<number, z.ZodType>>

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * One route: what it accepts (the same zod schemas that validate feed the OpenAPI document),
 * who may call it, and the handler. `auth` gates authentication and role at the door; the core
 * service still checks authorization itself, so the CLI gets the same rules.
 */
export interface RouteDef<B extends Schema = Schema, Q extends Schema = Schema> {
  method: HttpMethod
  path: string
  auth: 'public' | 'user' | readonly Role[]
  summary: string
  tag: string
  /** The JSON body: the router reads it (capped, readBytes) and validates it before the handler. */
  body?: B
  /** A `multipart/form-data` body carrying one file in `field` (uploads), for the OpenAPI document. */
  upload?: { field: string; maxBytes: number; accept: readonly string[] }
  /** The query string: the router validates it; a row without one refuses any parameter. */
  query?: Q
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
  /** A method, so a row with typed input still fits the route table's `RouteDef`. */
  handler(request: Request, route: RouteContext<InputOf<B>, InputOf<Q>>): Promise<Response>
}

/**
 * Declares a route: the handler's `input.body` and `input.query` are typed from the row's own
 * zod schemas, which the router validates them with (one gate at the edge).
 */
export const route = <B extends Schema = undefined, Q extends Schema = undefined>(
  def: RouteDef<B, Q>,
): RouteDef => def as RouteDef
