import { ValidationError, validateInput } from '@kloset/core'
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
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > MAX_JSON_BYTES)
    throw new ValidationError('Body too large', undefined, 'payload_too_large')
  const raw = await request.text()
  if (raw.length > MAX_JSON_BYTES)
    throw new ValidationError('Body too large', undefined, 'payload_too_large')
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new ValidationError('Body is not valid JSON', undefined, 'invalid_json')
  }
  return validate(schema, value)
}

/** Validates the query string; repeated keys keep their last value. */
export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.infer<S> {
  return validate(schema, Object.fromEntries(url.searchParams))
}
