import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { RedisStore } from '@kloset/core'
import {
  A_PASSWORD,
  anEmail,
  aVerifiedUser,
  createTestWorld,
  freePort,
  startRedisServer,
  type TestRedis,
  type TestWorld,
  testMongoUri,
} from '@kloset/core/testing'
import { createTestApi, type TestApi } from './test-support/api-harness.js'

let redis: TestRedis
let store: RedisStore
let world: TestWorld
let http: TestApi
beforeAll(async () => {
  redis = await startRedisServer()
  store = new RedisStore(redis.url, 'outage:')
  world = await createTestWorld({ kvStore: store })
  http = createTestApi(world)
})
afterAll(async () => {
  await world.close()
  await redis.kill()
})

const login = (email: string, password = A_PASSWORD, ip = '10.20.0.1') =>
  http.call('POST', '/api/v1/auth/login', { body: { email, password }, ip })

describe('with Redis lost at run time', () => {
  it('keeps catalog reads, sign-ups and sign-ins answering, and sign-in keeps its cap', async () => {
    const { email } = await aVerifiedUser(world)
    expect((await http.call('GET', '/api/v1/products')).status).toBe(200)
    expect((await login(email)).status).toBe(200)

    await redis.kill()
    // ioredis notices the closed socket; until then a command would fail and fall back anyway.
    for (let i = 0; i < 100 && store.connected; i++) await new Promise((r) => setTimeout(r, 20))

    const ready = await http.call<{ checks: { redis: { ok: boolean } } }>('GET', '/readyz')
    expect(ready.status).toBe(503)
    expect(ready.body).toMatchObject({ status: 'unavailable' })
    expect(ready.body.checks.redis.ok).toBe(false)
    expect((await http.call('GET', '/api/v1/products')).status).toBe(200)
    const signup = await http.call('POST', '/api/v1/auth/signup', {
      body: { email: anEmail(), password: A_PASSWORD, name: 'Tolu', role: 'buyer' },
    })
    expect(signup.status).toBe(202)
    expect((await login(email)).status).toBe(200)

    // The same limits hold in process: guessing from one address is still stopped.
    const statuses: number[] = []
    for (let i = 0; i < 7; i++)
      statuses.push((await login(email, 'wrong password', '10.20.0.9')).status)
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(statuses.at(-1)).toBe(429)
  })

  it('goes back to Redis once it is back', async () => {
    const { email } = await aVerifiedUser(world)
    redis = await startRedisServer(redis.port)
    for (let i = 0; i < 250 && !store.connected; i++) await new Promise((r) => setTimeout(r, 20))
    expect(store.connected).toBe(true)
    // The fallback holds Redis off for 5 s after its last failure.
    await new Promise((r) => setTimeout(r, 5_100))
    expect((await login(email, 'wrong password', '10.20.0.30')).status).toBe(401)
    const counters = await store.client.keys('outage:rl:login:*')
    expect(counters.some((key) => key.includes('10.20.0.30'))).toBe(true)
  })
})

describe('npm start with REDIS_URL on a closed port', () => {
  it('exits 1 with one message naming REDIS_URL, not a stack', async () => {
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url))
    const dataDir = await mkdtemp(join(tmpdir(), 'kloset-redis-start-'))
    const closed = await freePort()
    const run = await promisify(execFile)(process.execPath, [main], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        NODE_ENV: 'development',
        PORT: String(await freePort()),
        DATA_DIR: dataDir,
        MONGODB_URI: `${testMongoUri()}redis_start`,
        REDIS_URL: `redis://127.0.0.1:${closed}`,
        LOG_LEVEL: 'silent',
      },
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    )
    await rm(dataDir, { recursive: true, force: true })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`REDIS_URL: cannot reach Redis at redis://127.0.0.1:${closed}`)
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })
})
