import { AppError, ConflictError, UnavailableError, UpstreamError } from '../../shared/errors.js'
import { paystackErrorSchema } from './paystack.schemas.js'

/**
 * Paystack refused a well-formed call for a reason of its own (insufficient balance, unknown
 * reference, invalid recipient...). The message is Paystack's, for people; `paystackCode` is its
 * machine code when it sent one.
 */
export class PaystackRejectedError extends AppError {
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly paystackCode: string | null,
  ) {
    super('unprocessable', 'paystack_rejected', message, {
      httpStatus,
      ...(paystackCode ? { paystackCode } : {}),
    })
  }
}

// Paystack's wordings for a reused reference: only the transaction one carries a code.
const DUPLICATE_REFERENCE =
  /duplicate transaction reference|duplicate charge request|reference already exists|duplicate reference\(s\) found/i

/**
 * Maps a Paystack answer that is not a success to our error vocabulary, once, for every call:
 * 401 -> UpstreamError `paystack_auth` (our key is wrong: an operator problem, not the user's);
 * 429 and 5xx -> UnavailableError `paystack_unavailable`; a reused reference -> ConflictError
 * `duplicate_reference` (the caller verifies instead); any other refusal with Paystack's error
 * body (400/404/422, or `status: false` on a 2xx) -> PaystackRejectedError; anything else ->
 * UpstreamError `paystack_bad_response`.
 */
export function paystackFailure(httpStatus: number, body: unknown, what: string): AppError {
  if (httpStatus === 401) {
    return new UpstreamError('Paystack refused our secret key', 'paystack_auth', { httpStatus })
  }
  if (httpStatus === 429 || httpStatus >= 500) {
    return new UnavailableError(
      `Paystack is unavailable (HTTP ${httpStatus}) for ${what}; try again later`,
      'paystack_unavailable',
    )
  }
  const refusal = paystackErrorSchema.safeParse(body)
  const refusable = httpStatus < 300 || [400, 404, 409, 422].includes(httpStatus)
  if (!refusal.success || !refusable) {
    return new UpstreamError(
      `Paystack answered ${what} with an unexpected HTTP ${httpStatus}`,
      'paystack_bad_response',
      { httpStatus },
    )
  }
  const { message, code } = refusal.data
  if (code === 'duplicate_reference' || DUPLICATE_REFERENCE.test(message)) {
    return new ConflictError(message, 'duplicate_reference', {
      httpStatus,
      ...(code ? { paystackCode: code } : {}),
    })
  }
  return new PaystackRejectedError(message, httpStatus, code ?? null)
}
