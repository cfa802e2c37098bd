import { readCapped, TooLargeError, ValidationError, validateInput } from '@kloset/core'
import type { z } from 'zod'

export const MAX_JSON_BYTES = 1024 * 1024

/** Validates a value with a zod schema. @throws ValidationError with field details. */
export const validate = validateInput

/**
 * Reads a JSON body of at most 1 MiB and validates it.
 * @throws ValidationError for a missing, oversized, non-JSON or invalid body.
 */
export async function parseBody<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<z.infer<S>> {
  const type = request.headers.get('content-type') ?? ''
  if (!type && !request.body) return validate(schema, {})
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new ValidationError(
      'Expected a JSON body',
      { 'content-type': 'must be application/json' },
      'unsupported_media_type',
    )
  }
  const raw = new TextDecoder().decode(await readBytes(request, MAX_JSON_BYTES))
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new ValidationError('Body is not valid JSON', undefined, 'invalid_json')
  }
  return validate(schema, value)
}

const tooLarge = (max: number) => () => new TooLargeError(`Body larger than ${max} bytes`)

/**
 * The exact request bytes, at most `max` of them: a declared length over it is refused before
 * reading, and a chunked or lying body is cut off as soon as it passes it (`readCapped`).
 * @throws TooLargeError (413 payload_too_large), or what `refuse` makes
 */
export async function readBytes(
  request: Request,
  max: number,
  refuse: () => Error = tooLarge(max),
): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(request.headers.get('content-length') ?? 0) > max) throw refuse()
  return readCapped(request.body, max, refuse)
}

/** Validates the query string; repeated keys keep their last value. */
export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.infer<S> {
  return validate(schema, Object.fromEntries(url.searchParams))
}

/**
 * The one gate for a route's input: its row's `body` and `query` schemas, applied by the router
 * before the handler runs (after authentication and the rate limit, as before).
 * @throws ValidationError, TooLargeError as `parseBody` and `parseQuery` do.
 */
export async function inputOf(
  route: { body?: z.ZodType; query?: z.ZodType },
  request: Request,
  url: URL,
): Promise<{ body: unknown; query: unknown }> {
  return {
    body: route.body ? await parseBody(request, route.body) : undefined,
    query: route.query ? parseQuery(url, route.query) : undefined,
  }
}
