import { randomBytes } from 'node:crypto'
import type { AuthSettings } from '../shared/config.js'
import type { RateLimiter } from '../shared/rate-limit.js'

/** How long a reset's fresh counter generation is remembered (far longer than any window). */
const GENERATION_TTL_SECONDS = 24 * 3600

/**
 * Sign-in throttling that stops password guessing without letting anyone lock the owner out
 * (docs/api.md, "Sign-in throttling"):
 * - per address: `perIp` attempts a window, whatever the account;
 * - per account and address: `perAccountAndIp` attempts a window (a success clears it);
 * - per account: after `accountSlowAfter` failures in a window, addresses that never signed in
 *   to the account get one attempt per `accountSlowIntervalSeconds` (slowed, never locked);
 *   addresses that did sign in before are not slowed by failures from elsewhere.
 * A password reset starts a new counter generation for the account, clearing its limits.
 */
export class LoginThrottle {
  constructor(
    private limiter: RateLimiter,
    private policy: AuthSettings['loginLimit'],
  ) {}

  /** The account's counter generation: keys of an older one are never read again. */
  private async generation(email: string): Promise<string> {
    return (await this.limiter.marked(`login:generation:${email}`)) ?? '0'
  }

  private keys(generation: string, email: string, ip: string | undefined) {
    // Callers without an address (none in the API) share one bucket per account.
    ip ??= 'no-address'
    return {
      pair: `login:pair:${generation}:${email}:${ip}`,
      failures: `login:failures:${generation}:${email}`,
      slow: `login:slow:${generation}:${email}`,
      known: `login:known:${email}:${ip}`,
    }
  }

  /**
   * Admits one sign-in attempt or refuses it; returns what `failed` and `succeeded` need.
   * @throws RateLimitedError with the seconds to wait.
   */
  async admit(email: string, ip: string | undefined, now: Date) {
    const { perIp, perAccountAndIp, windowSeconds } = this.policy
    const keys = this.keys(await this.generation(email), email, ip)
    if (ip) await this.limiter.consume(`login:ip:${ip}`, perIp, windowSeconds)
    await this.limiter.consume(keys.pair, perAccountAndIp, windowSeconds)
    const known = (await this.limiter.marked(keys.known)) !== undefined
    if (!known && (await this.limiter.count(keys.failures)) >= this.policy.accountSlowAfter) {
      await this.limiter.spaceOut(keys.slow, this.policy.accountSlowIntervalSeconds, now.getTime())
    }
    return keys
  }

  async failed(keys: ReturnType<LoginThrottle['keys']>): Promise<void> {
    await this.limiter.record(keys.failures, this.policy.windowSeconds)
  }

  /** Clears the address's attempts and remembers it as one the owner signs in from. */
  async succeeded(keys: ReturnType<LoginThrottle['keys']>): Promise<void> {
    await this.limiter.reset(keys.pair)
    await this.limiter.mark(keys.known, '1', this.policy.knownAddressDays * 24 * 3600)
  }

  /** After a password reset: every counter of the account starts again from zero. */
  async clear(email: string): Promise<void> {
    await this.limiter.mark(
      `login:generation:${email}`,
      randomBytes(6).toString('base64url'),
      GENERATION_TTL_SECONDS,
    )
  }
}
