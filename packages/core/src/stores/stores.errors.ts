/** The error codes of stores: see docs/api.md, "Error codes". */
export const storesErrorCodes = [
  'store_closed',
  'store_exists',
  'store_name_taken',
  'store_not_approved',
  'store_slug_taken',
] as const
