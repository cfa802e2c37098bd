import type { AppError, ErrorCode, ErrorKind } from '@kloset/core'

/** The one table from error kinds to HTTP statuses. */
export const statusOf: Record<ErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  upstream: 502,
  unsupported_media: 415,
  too_large: 413,
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } })
}

/** A pre-serialized JSON body, for responses built once and served many times. */
export function jsonBytes(body: string, status = 200, headers: Record<string, string> = {}) {
  return new Response(body, { status, headers: { ...JSON_HEADERS, ...headers } })
}

/**
 * The answer of an Idempotency-Key operation: its stored status and body, flagged when it is a
 * replay of an earlier request.
 */
export function idempotentJson(result: { status: number; body: unknown; replayed: boolean }) {
  return json(result.body, result.status, result.replayed ? { 'idempotent-replayed': 'true' } : {})
}

export const noContent = (): Response => new Response(null, { status: 204 })

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }), requestId } }
}

export function appErrorResponse(error: AppError, requestId: string): Response {
  const headers: Record<string, string> = {}
  const retry = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds
  if ((error.kind === 'rate_limited' || error.kind === 'unavailable') && retry)
    headers['retry-after'] = String(retry)
  if (error.kind === 'unauthorized') headers['www-authenticate'] = 'Bearer'
  return json(
    errorBody(error.code, error.message, requestId, error.details),
    statusOf[error.kind],
    headers,
  )
}
