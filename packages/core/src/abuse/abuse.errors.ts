/** The error codes of IP blocks: see docs/api.md, "Error codes". */
export const abuseErrorCodes = ['ip_already_blocked', 'ip_block_not_found'] as const
