/** The error codes of the database connection: see docs/api.md, "Error codes". */
export const dbErrorCodes = ['database_unavailable'] as const
