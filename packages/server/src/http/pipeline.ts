import {
  type Core,
  databaseUnavailable,
  isAppError,
  makeCtx,
  newRequestId,
  TooLargeError,
  ValidationError,
} from '@kloset/core'
import type { Cors } from './cors.js'
import { type Middleware, middleware, type RequestState } from './middleware.js'
import { inputOf } from './parse.js'
import { abuseSignalOf, withRateLimit } from './rate-limits.js'
import { appErrorResponse, errorBody, json } from './respond.js'
import type { RouteDef } from './route.js'
import type { Router } from './router.js'

/** What the pipeline is made of: the services it calls and the two route tables. */
export interface PipelineDeps {
  core: Core
  cors: Cors
  router: Router
  /** The pages links land on when there is no storefront (docs/pages.md); not in the OpenAPI. */
  pages: Router | undefined
  /** The largest body any request may declare (`requestSize`); routes cap their own lower. */
  maxRequestBytes: number
}

/** The default of `maxRequestBytes`: above the largest route's cap (an upload: 5 MiB + framing). */
export const MAX_REQUEST_BYTES = 12 * 1024 * 1024

/**
 * The API's request pipeline, outermost first (docs/architecture.md, "The request pipeline").
 * The first five wrap everything after them: they run their "after" part in reverse order.
 */
export const apiPipeline = (deps: PipelineDeps): Middleware[] => [
  accessLog(deps.core),
  abuseSignals(deps.core),
  requestId,
  corsHeaders(deps.cors),
  errors(deps.core),
  ipBlock(deps.core),
  requestSize(deps.maxRequestBytes),
  corsPreflight(deps.cors),
  servePages(deps),
  findRoute(deps.router),
  authenticate(deps.core),
  strictQuery,
  rateLimit(deps.core),
  dispatch(deps.core),
]

/** The immutable headers of `Response.redirect` refuse changes: such an answer goes as it is. */
function setHeader(response: Response, name: string, value: string): void {
  try {
    response.headers.set(name, value)
  } catch {
    // Immutable headers (Response.redirect): the value is still in the log line.
  }
}

/** One JSON log line per request, written after the answer is final. */
const accessLog = (core: Core) =>
  middleware('accessLog', async (request, state, next) => {
    const started = performance.now()
    const response = await next()
    if (core.logger.isLevelEnabled('info')) {
      const { info, principal } = state
      core.logger.info(
        {
          method: request.method,
          path: state.url.pathname,
          status: response.status,
          // The address believed (TRUST_PROXY), the one limits and blocks apply to.
          ...(info.ip ? { ip: info.ip } : {}),
          ms: Math.round((performance.now() - started) * 10) / 10,
          requestId: state.requestId,
          ...(principal ? { userId: principal.actor.id } : {}),
        },
        'request',
      )
    }
    return response
  })

/** Counts a 429, a failed sign-in or rejected input towards an automatic block (AUTO_BLOCK_*). */
const abuseSignals = (core: Core) =>
  middleware('abuseSignals', async (request, state, next) => {
    const response = await next()
    const signal = abuseSignalOf(request.method, state.url.pathname, response.status)
    if (signal) await core.autoBlocks.record(signal, state.info.ip)
    return response
  })

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/

/** The client's x-request-id when well formed, else a new one; echoed on every answer. */
const requestId = middleware('requestId', async (request, state, next) => {
  const incoming = request.headers.get('x-request-id')
  state.requestId = incoming && REQUEST_ID.test(incoming) ? incoming : newRequestId()
  const response = await next()
  setHeader(response, 'x-request-id', state.requestId)
  return response
})

/** CORS headers for an allowed origin on every answer, errors included. */
const corsHeaders = (cors: Cors) =>
  middleware('corsHeaders', async (request, _state, next) => {
    const response = await next()
    cors.decorate(request, response)
    return response
  })

/** The one place a thrown error becomes an answer: the error envelope, or a logged 500. */
const errors = (core: Core) =>
  middleware('errors', async (request, state, next) => {
    try {
      return await next()
    } catch (thrown) {
      const error = databaseUnavailable(thrown) ?? thrown
      if (isAppError(error)) return appErrorResponse(error, state.requestId)
      const where = { requestId: state.requestId, method: request.method, path: state.url.pathname }
      core.logger.error({ err: error, ...where }, 'unhandled error')
      return json(
        errorBody('internal_error', 'Something went wrong on our side', state.requestId),
        500,
      )
    }
  })

/** Addresses an administrator or an automatic block refused (403 ip_blocked). */
const ipBlock = (core: Core) =>
  middleware('ipBlock', async (_request, state, next) => {
    if (!(await core.ipBlocks.isBlocked(state.info.ip))) return next()
    return json(
      errorBody('ip_blocked', 'Requests from this address are blocked', state.requestId),
      403,
    )
  })

/**
 * A declared content-length over the largest body any route takes is refused before anything
 * reads it (413 `payload_too_large`), logged with the address and counted as rejected input.
 */
const requestSize = (maxBytes: number) =>
  middleware('requestSize', async (request, _state, next) => {
    const declared = Number(request.headers.get('content-length') ?? 0)
    if (declared > maxBytes) throw new TooLargeError(`Body larger than ${maxBytes} bytes`)
    return next()
  })

/** A CORS preflight is answered here (204 for an allowed origin, else 403). */
const corsPreflight = (cors: Cors) =>
  middleware('corsPreflight', async (request, _state, next) => cors.preflight(request) ?? next())

/** The HTML pages (no auth, no rate limit, no JSON input) answer before the API's router. */
const servePages = ({ core, pages }: PipelineDeps) =>
  middleware('pages', async (request, state, next) => {
    const page = pages?.match(request.method, state.url.pathname)
    if (!page || page === 'method_not_allowed') return next()
    const { url, requestId, info } = state
    const ctx = makeCtx({ kind: 'anonymous' }, core.clock.now(), requestId, info.ip)
    const input = { body: undefined, query: undefined }
    return page.route.handler(request, { core, ctx, params: page.params, url, input })
  })

/** Finds the route row: 405 for a known path with another method, 404 for an unknown one. */
const findRoute = (router: Router) =>
  middleware('route', async (request, state, next) => {
    const found = router.match(request.method, state.url.pathname)
    if (found === 'method_not_allowed') {
      return json(errorBody('method_not_allowed', 'Method not allowed', state.requestId), 405)
    }
    if (!found) return json(errorBody('not_found', 'No such route', state.requestId), 404)
    state.route = found.route
    state.params = found.params
    return next()
  })

function bearer(request: Request): string | undefined {
  const header = request.headers.get('authorization')
  if (!header) return undefined
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header)
  return match?.[1] ?? ''
}

/** The route row `route` matched; the middleware after it rely on it. */
function routeOf(state: RequestState): RouteDef {
  if (!state.route) throw new Error('The route middleware must run before this one')
  return state.route
}

/** The bearer token's principal, and the row's gate: public, any user, or some roles. */
const authenticate = (core: Core) =>
  middleware('authenticate', async (request, state, next) => {
    const { auth } = routeOf(state)
    const { requestId } = state
    const token = bearer(request)
    if (token === '' && auth !== 'public') {
      return json(errorBody('unauthorized', 'Malformed Authorization header', requestId), 401)
    }
    const principal = token ? await core.accounts.authenticate(token) : undefined
    if (principal) state.principal = principal
    if (auth === 'public') return next()
    if (!principal) {
      return json(errorBody('unauthorized', 'Authentication required', requestId), 401, {
        'www-authenticate': 'Bearer',
      })
    }
    if (Array.isArray(auth) && !auth.includes(principal.actor.role)) {
      return json(errorBody('forbidden', 'You are not allowed to do this', requestId), 403)
    }
    return next()
  })

/** A route that declares no query schema takes no parameters: a typo is a 400, not ignored. */
const strictQuery = middleware('strictQuery', async (_request, state, next) => {
  const { url } = state
  if (routeOf(state).query || url.search.length <= 1) return next()
  const names = [...new Set(url.searchParams.keys())].join(', ')
  throw new ValidationError('Unknown query parameters', {
    query: `unknown parameter(s): ${names}`,
  })
})

/** Spends one request of the route's budget (429 over it); RateLimit-* headers either way. */
const rateLimit = (core: Core) =>
  middleware('rateLimit', async (_request, state, next) => {
    const { info, principal } = state
    const client = {
      ...(info.ip ? { ip: info.ip } : {}),
      ...(principal ? { userId: principal.actor.id } : {}),
    }
    return withRateLimit(core, routeOf(state), client, state.requestId, next)
  })

/** Reads and validates the row's body and query (`inputOf`), then runs its handler. */
const dispatch = (core: Core) =>
  middleware('dispatch', async (request, state) => {
    const { url, params, principal, info } = state
    const route = routeOf(state)
    const actor = principal?.actor ?? { kind: 'anonymous' as const }
    const ctx = makeCtx(actor, core.clock.now(), state.requestId, info.ip)
    const input = await inputOf(route, request, url)
    return route.handler(request, {
      core,
      ctx,
      params,
      url,
      input,
      ...(principal ? { principal } : {}),
    })
  })
