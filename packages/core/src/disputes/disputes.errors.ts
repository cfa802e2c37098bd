/** The error codes of disputes: see docs/api.md, "Error codes". */
export const disputesErrorCodes = [
  'dispute_closed',
  'dispute_open',
  'dispute_window_closed',
  'not_disputable',
  'too_many_photos',
] as const
