import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { PaystackError } from './paystack.errors.js'
import type { JsonValue } from './paystack.types.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface SandboxRequest {
  method: HttpMethod
  path: string
  params: Record<string, string>
  query: URLSearchParams
  body: unknown
  headers: IncomingHttpHeaders
}

export interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}

export type Handler = (request: SandboxRequest) => Reply | Promise<Reply>

/** `secret`: Paystack's API (Bearer key); `control`: /__sandbox; `public`: checkout pages. */
export type Access = 'secret' | 'control' | 'public'

export interface Route {
  method: HttpMethod
  pattern: string
  access: Access
  handler: Handler
}

/** Shorthand for a route table row. */
export function route(
  method: HttpMethod,
  pattern: string,
  access: Access,
  handler: Handler,
): Route {
  return { method, pattern, access, handler }
}

/** Any JSON answer. */
export function json(status: number, body: JsonValue): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  }
}

/** Paystack's success envelope; `meta` only on lists. */
export function ok(
  message: string,
  data: JsonValue,
  options: { meta?: JsonValue; status?: number } = {},
): Reply {
  const body: { [key: string]: JsonValue } = { status: true, message, data }
  if (options.meta !== undefined) body.meta = options.meta
  return json(options.status ?? 200, body)
}

/** Paystack's error envelope for a refusal. */
export function errorReply(error: PaystackError): Reply {
  const body: { [key: string]: JsonValue } = { status: false, message: error.message }
  if (error.nextStep) body.meta = { nextStep: error.nextStep }
  if (error.type) body.type = error.type
  if (error.code) body.code = error.code
  return json(error.httpStatus, body)
}

export function html(status: number, body: string): Reply {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body }
}

export function redirect(location: string): Reply {
  return { status: 302, headers: { location }, body: '' }
}

/** Matches a path against `/a/:b/c` patterns; the first route that fits wins. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | { allowed: HttpMethod[] } | null {
  const segments = path.split('/').filter(Boolean)
  const allowed: HttpMethod[] = []
  for (const candidate of routes) {
    const parts = candidate.pattern.split('/').filter(Boolean)
    if (parts.length !== segments.length) continue
    const params: Record<string, string> = {}
    const fits = parts.every((part, index) => {
      const segment = segments[index] ?? ''
      if (part.startsWith(':')) {
        params[part.slice(1)] = safeDecode(segment)
        return true
      }
      return part === segment
    })
    if (!fits) continue
    if (candidate.method === method) return { route: candidate, params }
    allowed.push(candidate.method)
  }
  return allowed.length > 0 ? { allowed } : null
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

const MAX_BODY_BYTES = 1_048_576

/** Reads the raw body. @throws PaystackError 413 beyond 1 MiB. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > MAX_BODY_BYTES) throw new PaystackError(413, 'Request body too large', null, null)
    chunks.push(buffer)
  }
  return Buffer.concat(chunks)
}

function formToObject(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const isList = rawKey.endsWith('[]')
    const key = isList ? rawKey.slice(0, -2) : rawKey
    const existing = out[key]
    if (existing === undefined) out[key] = isList ? [value] : value
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return out
}

/**
 * Parses JSON or urlencoded bodies. A body with no content type is tried as JSON first, because
 * the official Paystack SDK sends JSON without one.
 * @throws PaystackError 400 for JSON that does not parse.
 */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8')
  if (text.trim() === '') return {}
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (type === 'application/x-www-form-urlencoded') return formToObject(text)
  try {
    return JSON.parse(text) as unknown
  } catch {
    if (type === '' || type === 'text/plain') return formToObject(text)
    throw new PaystackError(400, 'Invalid JSON body', 'validation_error', 'invalid_params')
  }
}
