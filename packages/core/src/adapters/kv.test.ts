import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { RateLimitedError } from '../shared/errors.js'
import { RateLimiter } from '../shared/rate-limit.js'
import { testKv } from '../test-support/harness.js'
import type { KeyValueStore } from './kv.js'

/*
 * One contract for both KeyValueStore implementations. The memory store runs on a clock the test
 * moves; Redis keeps its own time, so expiry there is checked with one-second windows and a real
 * wait just past them.
 */

interface Subject {
  store: KeyValueStore
  /** Lets `ms` milliseconds pass, as the store sees time. */
  elapse(ms: number): Promise<void>
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

function subjectFor(kind: 'memory' | 'redis'): Subject {
  if (kind === 'redis') return { store: testKv('redis'), elapse: sleep }
  let now = Date.parse('2026-11-25T09:00:00Z')
  return {
    store: testKv('memory', () => now),
    async elapse(ms) {
      now += ms
    },
  }
}

// Redis expires a key one second after EXPIRE 1; the margin absorbs timer jitter.
const PAST_ONE_SECOND = 1_150

describe.each(['memory', 'redis'] as const)('the %s key-value store', (kind) => {
  let subject: Subject
  let store: KeyValueStore

  beforeAll(() => {
    subject = subjectFor(kind)
    store = subject.store
  })

  afterAll(async () => {
    await store.close()
  })

  it('reports its kind', () => {
    expect(store.kind).toBe(kind)
  })

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined()
  })

  describe('hit', () => {
    it('counts hits within a window and reports the time left in it', async () => {
      expect(await store.hit('hits:a', 60)).toEqual({ count: 1, ttlSeconds: 60 })
      const second = await store.hit('hits:a', 60)
      expect(second.count).toBe(2)
      expect(second.ttlSeconds).toBeGreaterThanOrEqual(59)
      expect(second.ttlSeconds).toBeLessThanOrEqual(60)
      expect((await store.hit('hits:a', 60)).count).toBe(3)
    })

    it('counts each key on its own', async () => {
      await store.hit('hits:b', 60)
      await store.hit('hits:b', 60)
      expect((await store.hit('hits:c', 60)).count).toBe(1)
    })

    it('keeps the window fixed from the first hit rather than sliding it', async () => {
      await store.hit('hits:fixed', 1)
      await subject.elapse(500)
      expect((await store.hit('hits:fixed', 1)).count).toBe(2)
      await subject.elapse(PAST_ONE_SECOND - 500)
      expect(await store.hit('hits:fixed', 1)).toEqual({ count: 1, ttlSeconds: 1 })
    })
  })

  describe('get and set', () => {
    it('returns undefined for a key never set', async () => {
      expect(await store.get('kv:missing')).toBeUndefined()
    })

    it('returns the last value set', async () => {
      await store.set('kv:a', 'one', 60)
      await store.set('kv:a', 'two', 60)
      expect(await store.get('kv:a')).toBe('two')
    })

    it('forgets a value once its ttl has passed', async () => {
      await store.set('kv:short', 'soon gone', 1)
      expect(await store.get('kv:short')).toBe('soon gone')
      await subject.elapse(PAST_ONE_SECOND)
      expect(await store.get('kv:short')).toBeUndefined()
    })
  })

  describe('setIfAbsent', () => {
    it('sets only on the first call and keeps the first value', async () => {
      expect(await store.setIfAbsent('lock:a', 'owner-1', 60)).toBe(true)
      expect(await store.setIfAbsent('lock:a', 'owner-2', 60)).toBe(false)
      expect(await store.get('lock:a')).toBe('owner-1')
    })

    it('sets again once the key is deleted', async () => {
      await store.setIfAbsent('lock:b', 'owner-1', 60)
      await store.del('lock:b')
      expect(await store.setIfAbsent('lock:b', 'owner-2', 60)).toBe(true)
      expect(await store.get('lock:b')).toBe('owner-2')
    })
  })

  describe('deleteIfEquals', () => {
    it('leaves a key that holds another value', async () => {
      await store.set('lock:c', 'owner-1', 60)
      expect(await store.deleteIfEquals('lock:c', 'owner-2')).toBe(false)
      expect(await store.get('lock:c')).toBe('owner-1')
    })

    it('deletes a key that holds its own value', async () => {
      await store.set('lock:d', 'owner-1', 60)
      expect(await store.deleteIfEquals('lock:d', 'owner-1')).toBe(true)
      expect(await store.get('lock:d')).toBeUndefined()
    })

    it('reports false for a missing key', async () => {
      expect(await store.deleteIfEquals('lock:missing', 'owner-1')).toBe(false)
    })
  })

  describe('del', () => {
    it('deletes every key given and leaves the others', async () => {
      await store.set('del:a', '1', 60)
      await store.set('del:b', '2', 60)
      await store.set('del:c', '3', 60)
      await store.del('del:a', 'del:b', 'del:missing')
      expect(await store.get('del:a')).toBeUndefined()
      expect(await store.get('del:b')).toBeUndefined()
      expect(await store.get('del:c')).toBe('3')
    })

    it('does nothing when given no keys', async () => {
      await expect(store.del()).resolves.toBeUndefined()
    })
  })

  describe('hitOnce', () => {
    it('counts a retried hit with the same once-key once', async () => {
      expect(await store.hitOnce('once:count', 60, 'once:event-1')).toBe(true)
      expect(await store.hitOnce('once:count', 60, 'once:event-1')).toBe(false)
      expect(await store.hitOnce('once:count', 60, 'once:event-2')).toBe(true)
      expect(await store.get('once:count')).toBe('2')
    })
  })

  describe('sets', () => {
    it('keeps every member of concurrent adds', async () => {
      const members = Array.from({ length: 20 }, (_, i) => `user-${i}`)
      await Promise.all(members.map((m) => store.addToSet('set:race', m, 60, 50)))
      expect((await store.setMembers('set:race')).sort()).toEqual([...members].sort())
    })

    it('keeps the most recently added members beyond its cap, and no duplicates', async () => {
      for (const m of ['a', 'b', 'c', 'a', 'd']) await store.addToSet('set:cap', m, 60, 3)
      expect((await store.setMembers('set:cap')).sort()).toEqual(['a', 'c', 'd'])
    })

    it('removes one member and leaves the others', async () => {
      await store.addToSet('set:rm', 'a', 60, 10)
      await store.addToSet('set:rm', 'b', 60, 10)
      await store.removeFromSet('set:rm', 'a')
      expect(await store.setMembers('set:rm')).toEqual(['b'])
      expect(await store.setMembers('set:missing')).toEqual([])
    })
  })

  describe('RateLimiter', () => {
    it('allows attempts up to the limit', async () => {
      const limiter = new RateLimiter(store)
      for (let i = 0; i < 3; i++) {
        await expect(limiter.consume('login:ada', 3, 60)).resolves.toBeUndefined()
      }
    })

    it('throws RateLimitedError with the seconds left in the window once over the limit', async () => {
      const limiter = new RateLimiter(store)
      for (let i = 0; i < 3; i++) await limiter.consume('login:bob', 3, 60)
      const error = await limiter.consume('login:bob', 3, 60).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(RateLimitedError)
      const { retryAfterSeconds } = error as RateLimitedError
      expect(retryAfterSeconds).toBeGreaterThanOrEqual(59)
      expect(retryAfterSeconds).toBeLessThanOrEqual(60)
    })

    it('limits each key on its own', async () => {
      const limiter = new RateLimiter(store)
      await limiter.consume('login:cy', 1, 60)
      await expect(limiter.consume('login:cy', 1, 60)).rejects.toBeInstanceOf(RateLimitedError)
      await expect(limiter.consume('login:dee', 1, 60)).resolves.toBeUndefined()
    })

    it('allows attempts again after reset', async () => {
      const limiter = new RateLimiter(store)
      await limiter.consume('login:eve', 1, 60)
      await limiter.reset('login:eve')
      await expect(limiter.consume('login:eve', 1, 60)).resolves.toBeUndefined()
    })

    it('allows attempts again once the window has passed', async () => {
      const limiter = new RateLimiter(store)
      await limiter.consume('login:fay', 1, 1)
      await expect(limiter.consume('login:fay', 1, 1)).rejects.toMatchObject({
        retryAfterSeconds: 1,
      })
      await subject.elapse(PAST_ONE_SECOND)
      await expect(limiter.consume('login:fay', 1, 1)).resolves.toBeUndefined()
    })
  })
})
