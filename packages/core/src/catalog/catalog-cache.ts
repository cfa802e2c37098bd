import { createHash, randomBytes } from 'node:crypto'
import { FallbackStore, type KeyValueStore } from '../adapters/kv.js'
import type { EventBus, EventName } from '../shared/events.js'
import type { CachedJson } from './public-catalog.types.js'

const PREFIX = 'catalog:'
const GENERATION_KEY = `${PREFIX}generation`
const productVersionKey = (productId: string) => `${PREFIX}product-version:${productId}`

/**
 * How long the generation and product versions live. Versions are random tokens, never counted,
 * so an expired one can never come back and revive entries cached under it.
 */
const VERSION_TTL_SECONDS = 30 * 24 * 3600
/**
 * How long one cached answer lives. Invalidation is by events; this bounds how stale an answer
 * can be when a change was made by a process that shares no key-value store with this one.
 */
export const CATALOG_ENTRY_TTL_SECONDS = 300

const newVersion = () => randomBytes(9).toString('base64url')

/** A strong entity tag from the body's bytes: equal bodies have equal tags across generations. */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`
}

// Stored as `<etag>\n<body>`: one string per entry, one read per request.
const pack = (entry: CachedJson) => `${entry.etag}\n${entry.body}`
function unpack(value: string): CachedJson {
  const cut = value.indexOf('\n')
  return { etag: value.slice(0, cut), body: value.slice(cut + 1) }
}

export interface CatalogCacheDeps {
  kv: KeyValueStore
  ttlSeconds?: number
  /** Where failed invalidation writes are reported (the logger). */
  onError?: (error: unknown) => void
}

/**
 * The public catalog's response cache, in the key-value store (Redis when configured, so every
 * API instance shares it). Entries are namespaced by a generation token that lives in the store
 * too: invalidation writes a new token, which drops every cached list at once on every instance.
 * Product pages carry a second, per-product version so stock changes drop only that page.
 */
export class CatalogCache {
  /** Invalidations this process started and the store has not confirmed yet. */
  private pending = new Set<Promise<void>>()
  /** Fills in progress, so concurrent misses of one key query the database once. */
  private fills = new Map<string, Promise<CachedJson>>()
  /** Keys this process wrote; an in-process store never sweeps dead generations by itself. */
  private written = new Set<string>()

  /** The store, falling back to an in-process one while Redis is down (a miss, never a 500). */
  private kv: KeyValueStore

  constructor(private deps: CatalogCacheDeps) {
    this.kv = deps.kv.kind === 'redis' ? new FallbackStore(deps.kv, deps.onError) : deps.kv
  }

  private get ttl(): number {
    return this.deps.ttlSeconds ?? CATALOG_ENTRY_TTL_SECONDS
  }

  /**
   * The current generation. Waits for this process's own invalidations first, so an answer read
   * after a change that this process made is never served from before it.
   */
  async generation(): Promise<string> {
    if (this.pending.size > 0) await Promise.all(this.pending)
    const { kv } = this
    const current = await kv.get(GENERATION_KEY)
    if (current !== undefined) return current
    await kv.setIfAbsent(GENERATION_KEY, newVersion(), VERSION_TTL_SECONDS)
    return (await kv.get(GENERATION_KEY)) ?? newVersion()
  }

  /**
   * Drops every cached answer. The write starts synchronously, before the service that emitted
   * the event returns to its caller; reads in this process wait for it to land.
   */
  invalidateAll(): Promise<void> {
    const { kv } = this
    const write = kv.set(GENERATION_KEY, newVersion(), VERSION_TTL_SECONDS)
    if (kv.kind === 'memory') this.forget(() => true)
    return this.track(write)
  }

  /** Drops one product's page (its stock moved); lists are not affected. */
  invalidateProduct(productId: string): Promise<void> {
    const { kv } = this
    const write = kv.set(productVersionKey(productId), newVersion(), VERSION_TTL_SECONDS)
    if (kv.kind === 'memory') this.forget((key) => key.includes(`:product:${productId}:`))
    return this.track(write)
  }

  /** Drops one cached list-like answer of `generation` (a buyer's "for you" after a purchase). */
  async drop(generation: string, key: string): Promise<void> {
    await this.kv.del(`${PREFIX}${generation}:${key}`)
  }

  /** Resolves when every invalidation this process started has reached the store. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending)
  }

  /** A cached list-like answer under `generation` (from `generation()`), filled on a miss. */
  list(generation: string, key: string, fill: () => Promise<unknown>): Promise<CachedJson> {
    return this.read(`${PREFIX}${generation}:${key}`, fill)
  }

  /** A cached product page under `generation` and the product's own version. */
  async product(
    generation: string,
    productId: string,
    fill: () => Promise<unknown>,
  ): Promise<CachedJson> {
    const version = (await this.kv.get(productVersionKey(productId))) ?? '0'
    return this.read(`${PREFIX}${generation}:product:${productId}:${version}`, fill)
  }

  private async read(key: string, fill: () => Promise<unknown>): Promise<CachedJson> {
    const hit = await this.kv.get(key)
    if (hit !== undefined) return unpack(hit)
    const running = this.fills.get(key)
    if (running) return running
    // A fill that started before an invalidation writes under the old generation, which nobody
    // reads any more: a slow fill can never put a stale answer under the new one.
    const filling = this.fill(key, fill).finally(() => this.fills.delete(key))
    this.fills.set(key, filling)
    return filling
  }

  private async fill(key: string, fill: () => Promise<unknown>): Promise<CachedJson> {
    const body = JSON.stringify(await fill())
    const entry = { body, etag: etagOf(body) }
    await this.kv.set(key, pack(entry), this.ttl)
    if (this.kv.kind === 'memory') this.written.add(key)
    return entry
  }

  private forget(matches: (key: string) => boolean): void {
    const dead = [...this.written].filter(matches)
    for (const key of dead) this.written.delete(key)
    if (dead.length > 0) void this.kv.del(...dead)
  }

  private track(write: Promise<void>): Promise<void> {
    const tracked = write
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => this.pending.delete(tracked))
    this.pending.add(tracked)
    return tracked
  }
}

/** Events after which any list, category count or product page may read differently. */
export const LIST_EVENTS = [
  'product.approved',
  'product.rejected',
  'product.archived',
  'product.updated',
  'product.revision_approved',
  'variant.price_changed',
  'store.approved',
  'store.rejected',
  'store.suspended',
  'store.reinstated',
  'store.closed',
  'store.updated',
  'recommendations.refreshed',
] as const satisfies readonly EventName[]

/**
 * Listens (in every process) to every event that changes what a buyer sees. For this process's
 * own events the handlers start right after the event is recorded, before the emitting service
 * returns to its caller, and `generation()` waits for them; other processes' events (a `kloset`
 * command) arrive through the event relay's tail of the log, or Redis.
 */
export function invalidateCatalogOn(events: EventBus, cache: CatalogCache): void {
  const all = () => cache.invalidateAll()
  for (const name of LIST_EVENTS) events.on(name, all)
  events.on('stock.changed', ({ productId, stock, previous }) => {
    // Crossing zero changes `inStock` in lists (the inventory also emits product.updated then).
    if (stock > 0 !== previous > 0) return cache.invalidateAll()
    return cache.invalidateProduct(productId)
  })
}
