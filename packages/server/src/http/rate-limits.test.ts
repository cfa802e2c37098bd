import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { RedisStore } from '@kloset/core'
import {
  A_PASSWORD,
  aVerifiedUser,
  createTestWorld,
  type TestWorld,
  testRedisUrl,
} from '@kloset/core/testing'
import { createTestApi, type TestApi } from '../test-support/api-harness.js'

const limits = {
  windowSeconds: 60,
  auth: 3,
  write: 4,
  read: 5,
  ws: 0,
  wsMessages: 0,
  wsUserMessages: 0,
  wsMessageSeconds: 1,
}

describe('route-class rate limits with counters in Redis', () => {
  let world: TestWorld
  let http: TestApi
  let store: RedisStore
  const prefix = `rl${Date.now().toString(36)}:`
  beforeAll(async () => {
    store = new RedisStore(testRedisUrl(), prefix)
    world = await createTestWorld({ kvStore: store, config: { rateLimits: limits } })
    http = createTestApi(world)
  })
  afterAll(async () => {
    const keys = await store.client.keys(`${prefix}*`)
    if (keys.length > 0) await store.client.del(...keys)
    await world.close()
  })

  it('counts reads per address, says what is left, and answers 429 with Retry-After past the limit', async () => {
    const answers = []
    for (let i = 0; i < 6; i++)
      answers.push(await http.call('GET', '/api/v1/products', { ip: '198.51.100.1' }))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429])
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual([
      '4',
      '3',
      '2',
      '1',
      '0',
      '0',
    ])
    expect(answers[0]!.headers.get('ratelimit-limit')).toBe('5')
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe('5;w=60')
    const refused = answers[5]!
    expect(refused.body).toMatchObject({
      error: { code: 'rate_limited', requestId: expect.any(String) },
    })
    const retry = Number(refused.headers.get('retry-after'))
    expect(retry).toBeGreaterThan(0)
    expect(retry).toBeLessThanOrEqual(60)
    expect(refused.headers.get('ratelimit-reset')).toBe(String(retry))
    // Another address has its own budget.
    expect((await http.call('GET', '/api/v1/products', { ip: '198.51.100.2' })).status).toBe(200)
  })

  it('keeps the counters in Redis, where every instance sees them', async () => {
    await http.call('GET', '/api/v1/products', { ip: '198.51.100.3' })
    const keys = await store.client.keys(`${prefix}route:read:*`)
    expect(keys).toContain(`${prefix}route:read:ip:198.51.100.3`)
  })

  it('limits account actions per address whatever the account', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const answer = await http.call('POST', '/api/v1/auth/login', {
        body: { email: `nobody${i}@example.test`, password: A_PASSWORD },
        ip: '198.51.100.10',
      })
      statuses.push(answer.status)
    }
    expect(statuses).toEqual([401, 401, 401, 429])
  })

  it('counts a signed-in user’s writes across addresses', async () => {
    const { session } = await aVerifiedUser(world)
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const answer = await http.call('POST', '/api/v1/cart/items', {
        token: session.accessToken,
        body: { variantId: '000000000000000000000000', quantity: 1 },
        ip: `198.51.100.${20 + i}`,
      })
      statuses.push(answer.status)
    }
    expect(statuses.slice(0, 4).every((s) => s !== 429)).toBe(true)
    expect(statuses[4]).toBe(429)
  })

  it('counts IPv6 clients by their /64', async () => {
    const statuses: number[] = []
    for (let i = 1; i <= 6; i++) {
      statuses.push(
        (await http.call('GET', '/api/v1/categories', { ip: `2001:db8:1:2::${i}` })).status,
      )
    }
    expect(statuses.at(-1)).toBe(429)
    expect((await http.call('GET', '/api/v1/categories', { ip: '2001:db8:1:3::1' })).status).toBe(
      200,
    )
  })

  it('never limits webhooks or health checks, and gives them no rate-limit headers', async () => {
    for (let i = 0; i < 8; i++) {
      const hook = await http.call('POST', '/api/v1/webhooks/paystack', {
        body: { event: 'charge.success', data: {} },
        ip: '198.51.100.40',
      })
      expect(hook.status).not.toBe(429)
      expect(hook.headers.get('ratelimit-limit')).toBeNull()
      expect((await http.call('GET', '/healthz', { ip: '198.51.100.40' })).status).toBe(200)
    }
  })

  it('describes each route’s class and its 429 in the OpenAPI document', async () => {
    const doc = await http.call<{ paths: Record<string, Record<string, Record<string, unknown>>> }>(
      'GET',
      '/api/v1/openapi.json',
      { ip: '198.51.100.50' },
    )
    const login = doc.body.paths['/api/v1/auth/login']!.post!
    expect(login['x-rate-limit']).toBe('auth')
    expect(login.responses).toHaveProperty('429')
    expect(doc.body.paths['/api/v1/webhooks/paystack']!.post!['x-rate-limit']).toBe('exempt')
    expect(doc.body.paths['/api/v1/products']!.get!['x-rate-limit']).toBe('read')
  })
})

describe('route-class rate limits without Redis', () => {
  let world: TestWorld
  let http: TestApi
  beforeAll(async () => {
    world = await createTestWorld({ kv: 'memory', config: { rateLimits: limits } })
    http = createTestApi(world)
  })
  afterAll(() => world.close())

  it('holds the same limits in process', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++)
      statuses.push((await http.call('GET', '/api/v1/products', { ip: '192.0.2.1' })).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
  })

  it('starts a new window once the old one is over', async () => {
    for (let i = 0; i < 6; i++) await http.call('GET', '/api/v1/categories', { ip: '192.0.2.2' })
    expect((await http.call('GET', '/api/v1/categories', { ip: '192.0.2.2' })).status).toBe(429)
    world.clock.advance(61_000)
    expect((await http.call('GET', '/api/v1/categories', { ip: '192.0.2.2' })).status).toBe(200)
  })
})
