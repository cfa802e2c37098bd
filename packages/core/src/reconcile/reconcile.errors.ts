/** The error codes of reconciliation items: see docs/api.md, "Error codes". */
export const reconcileErrorCodes = ['item_not_open'] as const
