import type { z } from 'zod'
import { ValidationError } from './errors.js'

/** Turns zod issues into `{ "field.path": "message" }`, the shape clients show next to fields. */
export function issuesToDetails(error: z.ZodError): Record<string, string> {
  const details: Record<string, string> = {}
  for (const issue of error.issues) {
    const key =
      issue.path.map(String).join('.') || (issue.code === 'unrecognized_keys' ? 'body' : '_')
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s): ${issue.keys.join(', ')}`
        : issue.message
    details[key] = details[key] ? `${details[key]}; ${message}` : message
  }
  return details
}

/**
 * Validates input with one of the shared zod schemas; the API and the CLI both call this.
 * @throws ValidationError with field details.
 */
export function validateInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw new ValidationError('Invalid input', issuesToDetails(result.error))
  return result.data
}
