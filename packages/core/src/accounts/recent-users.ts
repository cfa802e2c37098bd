import type { EventBus } from '../shared/events.js'
import type { UserDoc } from './user.model.js'

/** How long an authenticated user's record is reused without reading it again. */
export const RECENT_USER_TTL_MS = 1_000
const MAX_ENTRIES = 10_000

/**
 * The users behind recent access tokens, kept for at most RECENT_USER_TTL_MS, so a signed-in
 * client's burst of requests reads its user once instead of once per request (`GET /me` was bound
 * by that read: docs/benchmarks.md). Every write this process makes to what authentication checks
 * (status, token version, role, profile) forgets the entry before it returns, so a suspension or
 * a password reset takes effect at once here; the same write from another process (a CLI
 * suspension) takes effect within the TTL, or as soon as its domain event arrives.
 * Time is the wall clock, not the injected Clock: a test's fixed clock must not pin an entry.
 */
export class RecentUsers {
  private entries = new Map<string, { user: UserDoc; until: number }>()

  constructor(
    private ttlMs = RECENT_USER_TTL_MS,
    private now: () => number = Date.now,
  ) {}

  get(userId: string): UserDoc | undefined {
    const entry = this.entries.get(userId)
    if (!entry) return undefined
    if (entry.until > this.now()) return entry.user
    this.entries.delete(userId)
    return undefined
  }

  remember(userId: string, user: UserDoc): void {
    if (this.ttlMs <= 0) return
    this.entries.delete(userId)
    // A Map iterates in insertion order: the first key is the oldest entry.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(userId, { user, until: this.now() + this.ttlMs })
  }

  forget(userId: string): void {
    this.entries.delete(userId)
  }
}

/**
 * Forgets a user whenever an event says their record changed, so a change made by another
 * process (the CLI) reaches this one's authentication as soon as the event does.
 */
export function forgetRecentUsersOn(events: EventBus, recentUsers: RecentUsers): () => void {
  const names = [
    'user.suspended',
    'user.reinstated',
    'user.password_reset',
    'user.verified',
  ] as const
  const offs = names.map((name) => events.on(name, ({ userId }) => recentUsers.forget(userId)))
  return () => {
    for (const off of offs) off()
  }
}
