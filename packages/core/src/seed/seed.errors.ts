/** The error codes of the demo seed: see docs/api.md, "Error codes". */
export const seedErrorCodes = ['not_empty'] as const
