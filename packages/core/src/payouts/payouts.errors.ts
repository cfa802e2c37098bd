/** The error codes of payout accounts, runs and transfers: see docs/api.md, "Error codes". */
export const payoutsErrorCodes = [
  'account_unresolvable',
  'funds_frozen',
  'no_payout_account',
  'nothing_available',
  'payout_account_busy',
  'payout_failure_not_booked',
  'payout_not_awaiting_otp',
  'payout_not_failed',
  'payout_run_in_progress',
  'payouts_held',
  'period_in_future',
  'transfer_not_failed',
] as const
