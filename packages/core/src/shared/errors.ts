/**
 * The one error vocabulary of the core. Each error carries a stable machine `code`; the HTTP
 * status and the CLI exit code are each mapped once, at their edge, from the error's `kind`.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_state'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'
  | 'upstream'
  | 'unsupported_media'
  | 'too_large'

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = new.target.name
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown, code = 'validation_failed') {
    super('validation', code, message, details)
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required', code = 'unauthorized') {
    super('unauthorized', code, message)
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this', code = 'forbidden') {
    super('forbidden', code, message)
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, code = 'not_found') {
    super('not_found', code, `${what} not found`)
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict', details?: unknown) {
    super('conflict', code, message, details)
  }
}

export class InvalidStateError extends AppError {
  constructor(message: string, code = 'invalid_state', details?: unknown) {
    super('invalid_state', code, message, details)
  }
}

/**
 * A compare-and-set lost to another write: what the caller read changed meanwhile (another
 * request, a job, a webhook). One code for every aggregate, `changed_meanwhile` (409, CLI exit
 * 6), with `details.resource` naming what changed; read it again and retry. A service that
 * retries a lost race itself and gives up answers its own `*_busy` ConflictError instead.
 */
export class ChangedMeanwhileError extends InvalidStateError {
  constructor(resource: string, message = `The ${resource} changed meanwhile; reload it`) {
    super(message, 'changed_meanwhile', { resource })
  }
}

/** Well-formed input that the rules refuse (for example an idempotency key reused with another body). */
export class UnprocessableError extends AppError {
  constructor(message: string, code = 'unprocessable', details?: unknown) {
    super('unprocessable', code, message, details)
  }
}

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', 'rate_limited', 'Too many attempts; try again later', {
      retryAfterSeconds,
    })
  }
}

/** A dependency we need (database, Redis, Paystack) is not answering. */
export class UnavailableError extends AppError {
  constructor(message: string, code = 'unavailable', details?: { retryAfterSeconds: number }) {
    super('unavailable', code, message, details)
  }
}

/** A remote service answered in a way we cannot accept. */
export class UpstreamError extends AppError {
  constructor(message: string, code = 'upstream_error', details?: unknown) {
    super('upstream', code, message, details)
  }
}

/** Content we do not accept by its kind (judged by its bytes), for example an SVG as a product image. */
export class UnsupportedMediaError extends AppError {
  constructor(message: string, code = 'unsupported_media_type', details?: unknown) {
    super('unsupported_media', code, message, details)
  }
}

/** Content over a size limit: bytes, or pixels for images. */
export class TooLargeError extends AppError {
  constructor(message: string, code = 'payload_too_large', details?: unknown) {
    super('too_large', code, message, details)
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError
