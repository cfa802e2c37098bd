/** The error codes of Paystack calls and webhooks: see docs/api.md, "Error codes". */
export const paymentsErrorCodes = [
  'duplicate_reference',
  'invalid_event',
  'invalid_signature',
  'invalid_transfer_reference',
  'paystack_auth',
  'paystack_bad_response',
  'paystack_rejected',
  'paystack_unavailable',
  'webhook_source_forbidden',
] as const
