/** The error codes of sign-up, sign-in, tokens, account state: see docs/api.md, "Error codes". */
export const accountsErrorCodes = [
  'account_suspended',
  'email_not_verified',
  'email_taken',
  'invalid_credentials',
  'invalid_password',
  'invalid_refresh_token',
  'invalid_token',
] as const
