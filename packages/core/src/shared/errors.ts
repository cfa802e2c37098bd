/**
 * The one error vocabulary of the core. Each error carries a stable machine `code`; the HTTP
 * status and the CLI exit code are each mapped once, at their edge, from the error's `kind`.
 */
import { abuseErrorCodes } from '../abuse/abuse.errors.js'
import { accountsErrorCodes } from '../accounts/accounts.errors.js'
import { catalogErrorCodes } from '../catalog/catalog.errors.js'
import { chatErrorCodes } from '../chat/chat.errors.js'
import { dbErrorCodes } from '../db/db.errors.js'
import { disputesErrorCodes } from '../disputes/disputes.errors.js'
import { fraudErrorCodes } from '../fraud/fraud.errors.js'
import { imagesErrorCodes } from '../images/images.errors.js'
import { ledgerErrorCodes } from '../ledger/ledger.errors.js'
import { mailErrorCodes } from '../mail/mail.errors.js'
import { ordersErrorCodes } from '../orders/orders.errors.js'
import { paymentsErrorCodes } from '../payments/payments.errors.js'
import { payoutsErrorCodes } from '../payouts/payouts.errors.js'
import { plansErrorCodes } from '../plans/plans.errors.js'
import { realtimeErrorCodes } from '../realtime/realtime.errors.js'
import { reconcileErrorCodes } from '../reconcile/reconcile.errors.js'
import { seedErrorCodes } from '../seed/seed.errors.js'
import { storesErrorCodes } from '../stores/stores.errors.js'
import { wishlistsErrorCodes } from '../wishlists/wishlists.errors.js'
import { cliErrorCodes, httpErrorCodes, wsErrorCodes } from './edge.errors.js'

/** Codes any feature may use: each kind's default, and the moves of the transition tables. */
export const sharedErrorCodes = [
  'changed_meanwhile',
  'conflict',
  'forbidden',
  'invalid_state',
  'invalid_transition',
  'not_found',
  'payload_too_large',
  'rate_limited',
  'transition_not_allowed',
  'unauthorized',
  'unavailable',
  'unprocessable',
  'unsupported_media_type',
  'upstream_error',
  'validation_failed',
] as const

/**
 * Every error code, by where it is declared: each feature's `<feature>.errors.ts`, the shared
 * ones above and the edges' own (`edge.errors.ts`). docs/api.md, "Error codes", lists them all
 * (`error-codes.test.ts` holds the two to each other).
 */
export const errorCodesByOwner = {
  shared: sharedErrorCodes,
  abuse: abuseErrorCodes,
  accounts: accountsErrorCodes,
  catalog: catalogErrorCodes,
  chat: chatErrorCodes,
  db: dbErrorCodes,
  disputes: disputesErrorCodes,
  fraud: fraudErrorCodes,
  images: imagesErrorCodes,
  ledger: ledgerErrorCodes,
  mail: mailErrorCodes,
  orders: ordersErrorCodes,
  payments: paymentsErrorCodes,
  payouts: payoutsErrorCodes,
  plans: plansErrorCodes,
  realtime: realtimeErrorCodes,
  reconcile: reconcileErrorCodes,
  seed: seedErrorCodes,
  stores: storesErrorCodes,
  wishlists: wishlistsErrorCodes,
  http: httpErrorCodes,
  ws: wsErrorCodes,
  cli: cliErrorCodes,
} as const

/** A machine error code: a closed union, so a misspelt code does not compile. */
export type ErrorCode = (typeof errorCodesByOwner)[keyof typeof errorCodesByOwner][number]

/** Every error code once (a code may be declared by more than one owner: the edges share some). */
export const ERROR_CODES: readonly ErrorCode[] = [
  ...new Set(Object.values(errorCodesByOwner).flat()),
].sort()

/** What went wrong, as a kind: each edge maps a kind to its HTTP status or CLI exit code. */
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
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = new.target.name
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown, code: ErrorCode = 'validation_failed') {
    super('validation', code, message, details)
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required', code: ErrorCode = 'unauthorized') {
    super('unauthorized', code, message)
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this', code: ErrorCode = 'forbidden') {
    super('forbidden', code, message)
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, code: ErrorCode = 'not_found') {
    super('not_found', code, `${what} not found`)
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code: ErrorCode = 'conflict', details?: unknown) {
    super('conflict', code, message, details)
  }
}

export class InvalidStateError extends AppError {
  constructor(message: string, code: ErrorCode = 'invalid_state', details?: unknown) {
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
  constructor(message: string, code: ErrorCode = 'unprocessable', details?: unknown) {
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
  constructor(
    message: string,
    code: ErrorCode = 'unavailable',
    details?: { retryAfterSeconds: number },
  ) {
    super('unavailable', code, message, details)
  }
}

/** A remote service answered in a way we cannot accept. */
export class UpstreamError extends AppError {
  constructor(message: string, code: ErrorCode = 'upstream_error', details?: unknown) {
    super('upstream', code, message, details)
  }
}

/** Content we do not accept by its kind (judged by its bytes), for example an SVG as a product image. */
export class UnsupportedMediaError extends AppError {
  constructor(message: string, code: ErrorCode = 'unsupported_media_type', details?: unknown) {
    super('unsupported_media', code, message, details)
  }
}

/** Content over a size limit: bytes, or pixels for images. */
export class TooLargeError extends AppError {
  constructor(message: string, code: ErrorCode = 'payload_too_large', details?: unknown) {
    super('too_large', code, message, details)
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError
