/**
 * CORS for browsers on other origins (CORS_ALLOWED_ORIGINS). The API authenticates with bearer
 * tokens, never cookies, so no credentials are allowed and a wildcard is never sent: an allowed
 * origin is echoed, any other gets no CORS headers (and its preflight a 403).
 */
const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE'
const ALLOW_HEADERS = 'authorization, content-type, idempotency-key, if-none-match, x-request-id'
const EXPOSE_HEADERS = 'etag, idempotent-replayed, retry-after, x-request-id'
const PREFLIGHT_MAX_AGE_SECONDS = '600'

export interface Cors {
  /** The answer to a preflight request, or undefined when the request is not one. */
  preflight(request: Request): Response | undefined
  /** Adds the CORS headers an allowed origin gets to a response (in place). */
  decorate(request: Request, response: Response): void
}

export function createCors(allowedOrigins: readonly string[] | undefined): Cors {
  const allowed = new Set(allowedOrigins ?? [])
  const originOf = (request: Request) => {
    const origin = request.headers.get('origin')
    return origin && allowed.has(origin) ? origin : undefined
  }
  return {
    preflight(request) {
      if (request.method !== 'OPTIONS' || !request.headers.get('access-control-request-method'))
        return undefined
      const origin = originOf(request)
      if (!origin) return new Response(null, { status: 403, headers: { vary: 'Origin' } })
      return new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': ALLOW_METHODS,
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
          vary: 'Origin',
        },
      })
    },
    decorate(request, response) {
      const origin = originOf(request)
      try {
        response.headers.append('vary', 'Origin')
        if (!origin) return
        response.headers.set('access-control-allow-origin', origin)
        response.headers.set('access-control-expose-headers', EXPOSE_HEADERS)
      } catch {
        // Immutable headers (Response.redirect): no CORS for that answer.
      }
    },
  }
}
