/** The error codes of the mail outbox: see docs/api.md, "Error codes". */
export const mailErrorCodes = ['mail_not_failed', 'mail_not_found'] as const
