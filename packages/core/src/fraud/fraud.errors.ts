/** The error codes of the checkout screen, cases and risk models: see docs/api.md, "Error codes". */
export const fraudErrorCodes = [
  'checkout_declined',
  'model_does_not_win',
  'model_live',
  'no_ip',
] as const
