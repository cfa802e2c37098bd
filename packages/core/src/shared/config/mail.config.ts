import { z } from 'zod'
import type { Env } from '../config.js'
import { emptyToUndefined, optional, url } from './fields.js'

/** Outgoing mail; unset SMTP_URL captures mail to files under DATA_DIR. */
export const mailEnv = {
  SMTP_URL: optional(url(['smtp:', 'smtps:'])),
  MAIL_FROM: z.preprocess(
    emptyToUndefined,
    z.string().default('KlosetStore <no-reply@kloset.local>'),
  ),
}

/** SMTP_URL, MAIL_FROM. */
export function mailOf(env: Env): { smtpUrl?: string; mailFrom: string } {
  return {
    ...(env.SMTP_URL ? { smtpUrl: env.SMTP_URL } : {}),
    mailFrom: env.MAIL_FROM,
  }
}
