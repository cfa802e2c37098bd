/** The error codes of postings and journals: see docs/api.md, "Error codes". */
export const ledgerErrorCodes = [
  'currency_mismatch',
  'idempotency_conflict',
  'insufficient_available',
  'invalid_journal',
  'ledger_busy',
  'nothing_to_release',
  'order_state_mismatch',
  'payout_already_resolved',
  'payout_not_sent',
  'payout_not_settled',
  'refund_exceeds_sale',
  'release_amount_mismatch',
  'sale_not_recorded',
  'store_mismatch',
  'unbalanced_journal',
  'unknown_account',
] as const
