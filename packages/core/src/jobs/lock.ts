import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { type Connection, type Model, Schema } from 'mongoose'
import type { KeyValueStore } from '../adapters/kv.js'

/** A lease on a name, so that two schedulers never run the same job at once. */
export interface Locks {
  /**
   * Runs `fn` holding the lock, or returns `{ acquired: false }` when someone else holds it.
   * The lease is renewed while `fn` runs, so `ttlMs` only bounds how long a holder that died
   * without releasing keeps others out: at most min(ttlMs, LOCK_LEASE_MS), and not at all when
   * the dead holder was a process on this machine (its pid is checked).
   */
  withLock<T>(
    key: string,
    ttlMs: number,
    fn: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>
}

/** How long a lease lasts without renewal; renewed every third of it while its holder runs. */
export const LOCK_LEASE_MS = 15_000

/** Owners are `host:pid:uuid`, so a process can tell that a holder on its machine has died. */
const newOwner = () => `${hostname()}:${process.pid}:${randomUUID()}`

/** True when `owner` names a process on this machine that no longer exists. */
export function ownerIsDead(owner: string): boolean {
  const [host, pid] = owner.split(':')
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return false
  try {
    process.kill(Number(pid), 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/** The shared shape of both lock kinds: acquire, renew while running, release. */
abstract class LeasedLocks implements Locks {
  protected abstract acquire(key: string, owner: string, leaseMs: number): Promise<boolean>
  protected abstract renew(key: string, owner: string, leaseMs: number): Promise<unknown>
  protected abstract release(key: string, owner: string): Promise<unknown>

  async withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>) {
    const owner = newOwner()
    const leaseMs = Math.min(ttlMs, LOCK_LEASE_MS)
    if (!(await this.acquire(key, owner, leaseMs))) return { acquired: false as const }
    const renewal = setInterval(
      () => void this.renew(key, owner, leaseMs).catch(() => {}),
      Math.max(1_000, Math.floor(leaseMs / 3)),
    )
    renewal.unref()
    try {
      return { acquired: true as const, value: await fn() }
    } finally {
      clearInterval(renewal)
      await this.release(key, owner)
    }
  }
}

/** Redis locks: SET NX EX, renewed and released only by their owner. */
export class RedisLocks extends LeasedLocks {
  constructor(private kv: KeyValueStore) {
    super()
  }

  private ttlSeconds = (leaseMs: number) => Math.max(1, Math.ceil(leaseMs / 1000))

  protected async acquire(key: string, owner: string, leaseMs: number) {
    const name = `lock:${key}`
    if (await this.kv.setIfAbsent(name, owner, this.ttlSeconds(leaseMs))) return true
    const holder = await this.kv.get(name)
    if (!holder || !ownerIsDead(holder) || !(await this.kv.deleteIfEquals(name, holder))) {
      return false
    }
    return this.kv.setIfAbsent(name, owner, this.ttlSeconds(leaseMs))
  }

  protected renew(key: string, owner: string, leaseMs: number) {
    return this.kv.renewIfEquals(`lock:${key}`, owner, this.ttlSeconds(leaseMs))
  }

  protected release(key: string, owner: string) {
    return this.kv.deleteIfEquals(`lock:${key}`, owner)
  }
}

interface LockDoc {
  _id: string
  owner: string
  expiresAt: Date
}

const lockSchema = new Schema<LockDoc>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'locks', versionKey: false },
)

/**
 * Database locks, for deployments without Redis: a document per lock name, taken by insert (the
 * `_id` is unique), or by a compare-and-set over an expired lease or a dead holder's.
 */
export class DatabaseLocks extends LeasedLocks {
  private model: Model<LockDoc>

  constructor(
    connection: Connection,
    private now: () => Date,
  ) {
    super()
    this.model = connection.models.Lock ?? connection.model<LockDoc>('Lock', lockSchema)
  }

  protected async acquire(key: string, owner: string, leaseMs: number) {
    const now = this.now()
    const expiresAt = new Date(now.getTime() + leaseMs)
    try {
      await this.model.create({ _id: key, owner, expiresAt })
      return true
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error
    }
    const current = await this.model.findById(key).lean()
    if (!current) return false
    const takeable = current.expiresAt <= now || ownerIsDead(current.owner)
    if (!takeable) return false
    const taken = await this.model.updateOne(
      { _id: key, owner: current.owner },
      { $set: { owner, expiresAt } },
    )
    return taken.modifiedCount === 1
  }

  protected renew(key: string, owner: string, leaseMs: number) {
    return this.model.updateOne(
      { _id: key, owner },
      { $set: { expiresAt: new Date(this.now().getTime() + leaseMs) } },
    )
  }

  protected release(key: string, owner: string) {
    return this.model.deleteOne({ _id: key, owner })
  }
}
