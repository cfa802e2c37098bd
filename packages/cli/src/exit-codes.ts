import type { ErrorKind } from '@kloset/core'

/** The one table from error kinds to process exit codes (docs/cli.md lists it). */
export const exitCodeOf: Record<ErrorKind | 'internal' | 'usage', number> = {
  internal: 1,
  usage: 2,
  validation: 3,
  unauthorized: 4,
  forbidden: 4,
  not_found: 5,
  conflict: 6,
  invalid_state: 6,
  unprocessable: 7,
  rate_limited: 8,
  unavailable: 9,
  upstream: 10,
  unsupported_media: 3,
  too_large: 3,
}
