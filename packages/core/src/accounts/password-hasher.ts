import { hash, verify } from '@node-rs/argon2'

// Algorithm.Argon2id; the package's const enum cannot be imported under isolatedModules.
const ARGON2ID = 2

import type { AuthSettings } from '../shared/config.js'

/** argon2id with the configured cost (at or above the OWASP floor: 19 MiB, t=2, p=1). */
export class PasswordHasher {
  private dummy: Promise<string>

  constructor(private cost: AuthSettings['argon2']) {
    // Verifying against a real hash for unknown emails keeps their timing like a known email's.
    this.dummy = this.hash('not-a-real-password-used-for-timing')
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.cost })
  }

  /**
   * True when a stored hash was made with another algorithm or other cost parameters than the
   * configured ones (an older, cheaper setting), so the next successful sign-in should replace it.
   */
  needsRehash(passwordHash: string): boolean {
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash)
    if (!match) return true
    const [m, t, p] = match.slice(1).map(Number)
    return m !== this.cost.memoryCost || t !== this.cost.timeCost || p !== this.cost.parallelism
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash ?? (await this.dummy), password)
    } catch {
      return false
    }
  }
}
