import jwt from 'jsonwebtoken'
import type { Role } from '../shared/ctx.js'
import { UnauthorizedError } from '../shared/errors.js'

export interface AccessClaims {
  sub: string
  role: Role
  /** The user's token version when the token was issued. */
  tv: number
}

/** Verified claims, with the moment the token stops being accepted. */
export interface VerifiedClaims extends AccessClaims {
  expiresAt: Date
}

/** Tolerated difference between our clock and the signer's when checking `iat` (seconds). */
const CLOCK_SKEW_SECONDS = 60

/**
 * Signs and checks access tokens: HS256 pinned, issuer and audience checked, short-lived. A token
 * must carry `iat` and `exp`, and its lifetime (`exp - iat`) may not exceed the configured access
 * token TTL, so a token minted with the right key but no expiry (or a year-long one) is refused.
 */
export class AccessTokens {
  constructor(
    private options: { secret: string; issuer: string; audience: string; ttlSeconds: number },
  ) {}

  sign(claims: AccessClaims, now: Date): string {
    return jwt.sign(
      { role: claims.role, tv: claims.tv, iat: Math.floor(now.getTime() / 1000) },
      this.options.secret,
      {
        algorithm: 'HS256',
        subject: claims.sub,
        issuer: this.options.issuer,
        audience: this.options.audience,
        expiresIn: this.options.ttlSeconds,
      },
    )
  }

  /** @throws UnauthorizedError for anything but a valid, unexpired token of ours. */
  verify(token: string, now: Date): VerifiedClaims {
    try {
      const payload = jwt.verify(token, this.options.secret, {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTimestamp: Math.floor(now.getTime() / 1000),
      })
      if (typeof payload === 'string' || typeof payload.sub !== 'string') throw new Error('shape')
      const { exp, iat } = payload
      const nowSeconds = Math.floor(now.getTime() / 1000)
      if (typeof exp !== 'number' || typeof iat !== 'number') throw new Error('no lifetime')
      if (iat > nowSeconds + CLOCK_SKEW_SECONDS) throw new Error('issued in the future')
      if (exp - iat > this.options.ttlSeconds) throw new Error('lifetime too long')
      const { role, tv } = payload as { role?: unknown; tv?: unknown }
      if (typeof role !== 'string' || typeof tv !== 'number') throw new Error('shape')
      return { sub: payload.sub, role: role as Role, tv, expiresAt: new Date(exp * 1000) }
    } catch {
      throw new UnauthorizedError('Invalid or expired access token', 'invalid_token')
    }
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds
  }
}
