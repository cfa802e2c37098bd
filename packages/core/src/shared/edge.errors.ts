/**
 * Error codes the edges answer themselves, around the services (see docs/api.md, "Error
 * codes"). They live in core so that the one `ErrorCode` union covers every code a client or
 * an operator can see.
 */

/** The HTTP API's own answers: routing, body parsing, blocked addresses, the last-resort 500. */
export const httpErrorCodes = [
  'internal_error',
  'invalid_json',
  'invalid_multipart',
  'ip_blocked',
  'method_not_allowed',
] as const

/** The WebSocket gateway's refusals on upgrade and its error frames (docs/realtime.md). */
export const wsErrorCodes = [
  'internal',
  'invalid_message',
  'origin_not_allowed',
  'shutting_down',
  'too_many_connections',
  'too_many_subscriptions',
] as const

/** The CLI's own failures (docs/cli.md): configuration, engine, usage, confirmations, columns. */
export const cliErrorCodes = [
  'confirmation_required',
  'engine_unavailable',
  'internal_error',
  'invalid_config',
  'unknown_column',
  'usage',
] as const
