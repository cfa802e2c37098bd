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
 * Tokens whose signature was checked, kept so a client's next requests skip the HMAC and the
 * JSON parsing (a signed-in read spent a good part of its time there: docs/benchmarks.md). Small
 * and least-recently-used: one entry is a token string and its claims, a few hundred bytes.
 */
export const VERIFIED_TOKEN_CACHE_SIZE = 1_000

/**
 * Signs and checks access tokens: HS256 pinned, issuer and audience checked, short-lived. A token
 * must carry `iat` and `exp`, and its lifetime (`exp - iat`) may not exceed the configured access
 * token TTL, so a token minted with the right key but no expiry (or a year-long one) is refused.
 */
export class AccessTokens {
  /** Token -> its verified claims and `iat`, least recently used first (a Map keeps order). */
  private verified = new Map<string, { claims: VerifiedClaims; iat: number }>()

  constructor(
    private options: { secret: string; issuer: string; audience: string; ttlSeconds: number },
    private cacheSize = VERIFIED_TOKEN_CACHE_SIZE,
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

  /**
   * A token seen before is not checked again until it expires: the signature, issuer, audience
   * and lifetime cannot change for the same string, so only the time checks run again. Refused
   * tokens are not kept (nothing for a flood of garbage to fill).
   * @throws UnauthorizedError for anything but a valid, unexpired token of ours.
   */
  verify(token: string, now: Date): VerifiedClaims {
    const nowSeconds = Math.floor(now.getTime() / 1000)
    const hit = this.verified.get(token)
    if (hit) {
      if (
        hit.claims.expiresAt.getTime() > now.getTime() &&
        hit.iat <= nowSeconds + CLOCK_SKEW_SECONDS
      ) {
        this.verified.delete(token)
        this.verified.set(token, hit)
        return hit.claims
      }
      this.verified.delete(token)
    }
    const { claims, iat } = this.check(token, nowSeconds)
    if (this.cacheSize > 0) {
      if (this.verified.size >= this.cacheSize)
        this.verified.delete(this.verified.keys().next().value!)
      this.verified.set(token, { claims, iat })
    }
    return claims
  }

  private check(token: string, nowSeconds: number): { claims: VerifiedClaims; iat: number } {
    try {
      const payload = jwt.verify(token, this.options.secret, {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTimestamp: nowSeconds,
      })
      if (typeof payload === 'string' || typeof payload.sub !== 'string') throw new Error('shape')
      const { exp, iat } = payload
      if (typeof exp !== 'number' || typeof iat !== 'number') throw new Error('no lifetime')
      if (iat > nowSeconds + CLOCK_SKEW_SECONDS) throw new Error('issued in the future')
      if (exp - iat > this.options.ttlSeconds) throw new Error('lifetime too long')
      const { role, tv } = payload as { role?: unknown; tv?: unknown }
      if (typeof role !== 'string' || typeof tv !== 'number') throw new Error('shape')
      const claims = { sub: payload.sub, role: role as Role, tv, expiresAt: new Date(exp * 1000) }
      return { claims, iat }
    } catch {
      throw new UnauthorizedError('Invalid or expired access token', 'invalid_token')
    }
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds
  }
}
