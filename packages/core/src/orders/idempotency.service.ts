import { createHash } from 'node:crypto'
import { op } from '../db/query.js'
import { actorId, type Ctx } from '../shared/ctx.js'
import {
  ConflictError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
} from '../shared/errors.js'
import type { Logger } from '../shared/logger.js'
import { issuesToDetails } from '../shared/validate.js'
import type { IdempotencyKeyDoc, IdempotencyKeyModel } from './idempotency.model.js'
import { idempotencyKey } from './order.schemas.js'

export interface IdempotencyDeps {
  keys: IdempotencyKeyModel
  logger: Logger
  /** How long a key is remembered (at least 24 h). */
  retentionSeconds?: number
  /** How long a run may hold its key before another request may presume it crashed. */
  leaseSeconds?: number
}

/** What an idempotent operation answers: a replay has the same status and the same body. */
export interface IdempotentResponse<T> {
  status: number
  body: T
  /** True when this is a stored answer to an earlier request with the same key. */
  replayed: boolean
}

export interface IdempotentRequest {
  /** What the key guards (`checkout`, `refund:<orderId>`): the same key elsewhere is a reuse. */
  scope: string
  /** The `Idempotency-Key` header as received (null when absent). */
  key: string | null | undefined
  /** The validated request body; its canonical JSON is fingerprinted. */
  request: unknown
}

export const DEFAULT_RETENTION_SECONDS = 24 * 3600
const DEFAULT_LEASE_SECONDS = 120
const MAX_CLAIM_ATTEMPTS = 4

const isDuplicateKey = (error: unknown) => (error as { code?: unknown }).code === 11000

/** JSON with object keys sorted, so that two equal bodies hash the same whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/**
 * Idempotency keys for money-moving requests (checkout, refunds, payouts), after Stripe and the
 * IETF draft: the first request with a key runs and its answer is stored; the same key with the
 * same body replays that answer; with another body it is 422 `idempotency_key_reused`; while the
 * first still runs, 409 `idempotency_in_progress`. The insert decides who runs (unique index on
 * `{ownerId, key}`), so two concurrent requests never both run.
 *
 * Errors are not stored: an operation that throws releases its key (its own compensation has
 * undone what it started), so the caller may retry with the same key once the cause is fixed.
 */
export class IdempotencyService {
  constructor(private deps: IdempotencyDeps) {}

  /**
   * Runs `operation` at most once per caller and key.
   * @throws ValidationError `idempotency_key_required` / `invalid_idempotency_key`,
   *   UnprocessableError `idempotency_key_reused`, ConflictError `idempotency_in_progress`,
   *   or whatever the operation throws.
   */
  async run<T>(
    ctx: Ctx,
    input: IdempotentRequest,
    operation: () => Promise<{ status: number; body: T }>,
  ): Promise<IdempotentResponse<T>> {
    const ownerId = actorId(ctx)
    if (!ownerId) throw new UnauthorizedError()
    const key = this.checkKey(input.key)
    const requestHash = createHash('sha256')
      .update(canonicalJson({ scope: input.scope, request: input.request }))
      .digest('hex')
    const claimed = await this.claim(ctx, ownerId, key, input.scope, requestHash)
    if ('replay' in claimed) return claimed.replay as IdempotentResponse<T>
    let result: { status: number; body: T }
    try {
      result = await operation()
    } catch (error) {
      await this.deps.keys.deleteOne({ _id: claimed.doc._id, status: 'in_progress' })
      throw error
    }
    await this.deps.keys.updateOne(
      { _id: claimed.doc._id, status: 'in_progress' },
      {
        $set: {
          status: 'done',
          responseStatus: result.status,
          responseBody: JSON.stringify(result.body),
        },
      },
    )
    return { status: result.status, body: result.body, replayed: false }
  }

  /** Deletes keys past their retention (the `sweep-idempotency-keys` job). */
  async sweepExpired(now: Date): Promise<number> {
    const { deletedCount } = await this.deps.keys.deleteMany({ expiresAt: op({ $lte: now }) })
    return deletedCount
  }

  private checkKey(key: string | null | undefined): string {
    if (key === null || key === undefined || key === '') {
      throw new ValidationError(
        'An Idempotency-Key header is required',
        { 'idempotency-key': 'required' },
        'idempotency_key_required',
      )
    }
    const parsed = idempotencyKey.safeParse(key)
    if (!parsed.success) {
      throw new ValidationError(
        'Invalid Idempotency-Key header',
        { 'idempotency-key': Object.values(issuesToDetails(parsed.error)).join('; ') },
        'invalid_idempotency_key',
      )
    }
    return parsed.data
  }

  /**
   * Inserts the key, or says what the existing one means for this request: each attempt inserts,
   * else reads the holder and frees it past retention, answers from it (`answerOf`), or takes
   * over a stalled run's lease.
   */
  private async claim(
    ctx: Ctx,
    ownerId: string,
    key: string,
    scope: string,
    requestHash: string,
  ): Promise<{ doc: IdempotencyKeyDoc } | { replay: IdempotentResponse<unknown> }> {
    const now = ctx.now
    const retention = Math.max(this.deps.retentionSeconds ?? 0, DEFAULT_RETENTION_SECONDS)
    const lease = this.deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS
    const lockedUntil = new Date(now.getTime() + lease * 1000)
    const fresh = {
      ownerId,
      key,
      scope,
      requestHash,
      status: 'in_progress' as const,
      lockedUntil,
      expiresAt: new Date(now.getTime() + retention * 1000),
    }
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const inserted = await this.insertKey(fresh)
      if (inserted) return { doc: inserted }
      const existing = await this.deps.keys.findOne({ ownerId, key }).lean()
      if (!existing) continue
      if (existing.expiresAt <= now) {
        // Past retention: the key is free again.
        await this.deps.keys.deleteOne({ _id: existing._id, expiresAt: existing.expiresAt })
        continue
      }
      const replay = answerOf(existing, requestHash, now)
      if (replay) return { replay }
      const taken = await this.takeOver(existing, lockedUntil, key, scope)
      if (taken) return { doc: taken }
    }
    throw inProgress()
  }

  /** The new key, or null when the owner already holds it. */
  private async insertKey(fresh: Partial<IdempotencyKeyDoc>): Promise<IdempotencyKeyDoc | null> {
    try {
      return (await this.deps.keys.create(fresh)).toObject()
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      return null
    }
  }

  /** The run holding the key is presumed crashed: take over its lease (compare-and-set). */
  private async takeOver(
    existing: IdempotencyKeyDoc,
    lockedUntil: Date,
    key: string,
    scope: string,
  ): Promise<IdempotencyKeyDoc | null> {
    const taken = await this.deps.keys
      .findOneAndUpdate(
        { _id: existing._id, status: 'in_progress', lockedUntil: existing.lockedUntil },
        { $set: { lockedUntil } },
        { returnDocument: 'after' },
      )
      .lean()
    if (taken)
      this.deps.logger.warn({ key, scope }, 'idempotency key taken over from a stalled run')
    return taken
  }
}

const inProgress = () =>
  new ConflictError(
    'A request with this Idempotency-Key is still being processed; retry shortly',
    'idempotency_in_progress',
  )

/**
 * What a key held within its retention means for this request: the stored answer when its run
 * is done, undefined when its run's lease ran out (a takeover may follow).
 * @throws UnprocessableError `idempotency_key_reused` for another request, ConflictError
 *   `idempotency_in_progress` while its run holds the lease.
 */
function answerOf(
  existing: IdempotencyKeyDoc,
  requestHash: string,
  now: Date,
): IdempotentResponse<unknown> | undefined {
  if (existing.requestHash !== requestHash) {
    throw new UnprocessableError(
      'This Idempotency-Key was used with a different request',
      'idempotency_key_reused',
    )
  }
  if (existing.status === 'done') {
    return {
      status: existing.responseStatus ?? 200,
      body: JSON.parse(existing.responseBody ?? 'null') as unknown,
      replayed: true,
    }
  }
  if (existing.lockedUntil > now) throw inProgress()
  return undefined
}
