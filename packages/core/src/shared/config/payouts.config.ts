import { z } from 'zod'
import type { Env } from '../config.js'
import { commaList, emptyToUndefined, key256, optional } from './fields.js'
import { localSecrets } from './local-secrets.js'

/** Seller payouts: the account-number key and the smallest payout. */
export const payoutsEnv = {
  /** Encrypts sellers' payout account numbers at rest (AES-256-GCM); docs/payments.md. */
  PAYOUT_ENCRYPTION_KEY: optional(key256),
  /** Earlier payout encryption keys, comma-separated: still read after a rotation. */
  PAYOUT_ENCRYPTION_PREVIOUS_KEYS: optional(commaList.pipe(z.array(key256))),
  /** The smallest available balance a weekly payout sends, in kobo (default NGN 1,000). */
  PAYOUT_MINIMUM_KOBO: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(100_000_000_000).default(100_000),
  ),
}

/** Seller payouts; docs/payments.md explains them. */
export interface PayoutSettings {
  /** PAYOUT_ENCRYPTION_KEY, or a key generated once into `<dataDir>/secrets.json`. */
  encryptionKey: string
  /** Keys of earlier rotations, for reading account numbers sealed with them. */
  previousEncryptionKeys: string[]
  /** Balances below this (kobo) wait for a later week. */
  minimumKobo: number
  /** How long a changed payout account holds the next payout. */
  holdHours: number
}

export function payoutsOf(env: Env, dataDir: string): PayoutSettings {
  return {
    encryptionKey: env.PAYOUT_ENCRYPTION_KEY ?? localSecrets(dataDir).payoutEncryptionKey,
    previousEncryptionKeys: env.PAYOUT_ENCRYPTION_PREVIOUS_KEYS ?? [],
    minimumKobo: env.PAYOUT_MINIMUM_KOBO,
    holdHours: 48,
  }
}
