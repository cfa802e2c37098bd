import { randomUUID } from 'node:crypto'
import { type Connection, type Model, Schema } from 'mongoose'
import type { KeyValueStore } from '../adapters/kv.js'
import { op } from '../db/query.js'

/** A lease on a name, so that two schedulers never run the same job at once. */
export interface Locks {
  /** Runs `fn` holding the lock, or returns `{ acquired: false }` when someone else holds it. */
  withLock<T>(
    key: string,
    ttlMs: number,
    fn: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>
}

/** Redis locks: SET NX PX, released only by their owner. */
export class RedisLocks implements Locks {
  constructor(private kv: KeyValueStore) {}

  async withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>) {
    const owner = randomUUID()
    if (!(await this.kv.setIfAbsent(`lock:${key}`, owner, Math.ceil(ttlMs / 1000))))
      return { acquired: false as const }
    try {
      return { acquired: true as const, value: await fn() }
    } finally {
      await this.kv.deleteIfEquals(`lock:${key}`, owner)
    }
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
 * `_id` is unique) or by taking over an expired lease with a compare-and-set.
 */
export class DatabaseLocks implements Locks {
  private model: Model<LockDoc>

  constructor(
    connection: Connection,
    private now: () => Date,
  ) {
    this.model = connection.models.Lock ?? connection.model<LockDoc>('Lock', lockSchema)
  }

  private async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now()
    const expiresAt = new Date(now.getTime() + ttlMs)
    try {
      await this.model.create({ _id: key, owner, expiresAt })
      return true
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error
    }
    const taken = await this.model.updateOne(
      { _id: key, expiresAt: op({ $lte: now }) },
      { $set: { owner, expiresAt } },
    )
    return taken.modifiedCount === 1
  }

  async withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>) {
    const owner = randomUUID()
    if (!(await this.acquire(key, owner, ttlMs))) return { acquired: false as const }
    try {
      return { acquired: true as const, value: await fn() }
    } finally {
      await this.model.deleteOne({ _id: key, owner })
    }
  }
}
