import { z } from 'zod'
import type { Env } from '../config.js'
import { optional } from './fields.js'
import { localSecrets } from './local-secrets.js'

/** The access tokens' signing key. */
export const authEnv = {
  JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
}

export interface AuthSettings {
  accessTokenTtlSeconds: number
  refreshTokenTtlSeconds: number
  verifyTokenTtlSeconds: number
  resetTokenTtlSeconds: number
  /** argon2id cost: memory in KiB, iterations, lanes. Defaults are the OWASP floor. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number }
  /** Sign-in throttling (accounts/login-throttle.ts; docs/api.md, "Sign-in throttling"). */
  loginLimit: {
    /** Attempts per account from one address in a window; a success clears them. */
    perAccountAndIp: number
    /** Attempts from one address in a window, whatever the account. */
    perIp: number
    /** Failures on one account in a window after which unknown addresses are slowed. */
    accountSlowAfter: number
    /** While slowed: one attempt per this many seconds from addresses new to the account. */
    accountSlowIntervalSeconds: number
    /** How long an address that signed in stays known to the account. */
    knownAddressDays: number
    windowSeconds: number
  }
  mailLimit: { perAddress: number; windowSeconds: number }
}

export const defaultAuthSettings: AuthSettings = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  verifyTokenTtlSeconds: 24 * 3600,
  resetTokenTtlSeconds: 3600,
  argon2: { memoryCost: 19_456, timeCost: 2, parallelism: 1 },
  loginLimit: {
    perAccountAndIp: 5,
    perIp: 50,
    accountSlowAfter: 10,
    accountSlowIntervalSeconds: 60,
    knownAddressDays: 30,
    windowSeconds: 15 * 60,
  },
  mailLimit: { perAddress: 3, windowSeconds: 15 * 60 },
}

/** JWT_SECRET (else generated once into `<dataDir>/secrets.json`); the issuer is PUBLIC_URL. */
export function authOf(env: Env, dataDir: string, publicUrl: string) {
  return {
    jwtSecret: env.JWT_SECRET ?? localSecrets(dataDir).jwtSecret,
    jwtIssuer: publicUrl,
    jwtAudience: 'kloset-api',
    auth: defaultAuthSettings,
  }
}
