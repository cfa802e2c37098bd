/** The `type` field of Paystack's error envelope. */
export type PaystackErrorType = 'validation_error' | 'api_error' | 'processor_error'

/**
 * Every refusal the sandbox gives. The HTTP edge turns it into Paystack's error envelope
 * `{ status: false, message, meta: { nextStep }, type, code }`.
 */
export class PaystackError extends Error {
  override name = 'PaystackError'
  constructor(
    readonly httpStatus: number,
    message: string,
    readonly type: PaystackErrorType | null = 'validation_error',
    readonly code: string | null = 'invalid_params',
    readonly nextStep: string | null = null,
  ) {
    super(message)
  }
}

/** 400 for a request Paystack would refuse as invalid. */
export function invalid(
  message: string,
  code = 'invalid_params',
  nextStep?: string,
): PaystackError {
  return new PaystackError(400, message, 'validation_error', code, nextStep ?? null)
}

/** 404 with Paystack's short form (no type or code), as in "Transfer not found". */
export function notFound(message: string): PaystackError {
  return new PaystackError(404, message, null, null)
}

/** 401 with Paystack's short form. */
export function unauthorized(message: string): PaystackError {
  return new PaystackError(401, message, null, null)
}
