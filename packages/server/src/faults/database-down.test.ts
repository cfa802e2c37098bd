import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { connectDatabase, type Database } from '@kloset/core'
import { A_PASSWORD, aVerifiedUser, createTestWorld, type TestWorld } from '@kloset/core/testing'
import { type EngineHandle, ensureEngine, startEngine } from '@kloset/embedded-db'
import { createTestApi, type TestApi } from '../test-support/api-harness.js'

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

describe('with the database engine stopped', () => {
  let dir: string
  let engine: EngineHandle
  let world: TestWorld
  let http: TestApi
  let email: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kloset-db-down-'))
    engine = await startEngine(dir)
    const database: Database = await connectDatabase(engine.uri, 'db_down', { embedded: true })
    world = await createTestWorld({ database })
    http = createTestApi(world)
    ;({ email } = await aVerifiedUser(world))
    // Warm the catalog cache, then take the engine away (stop() is never followed by a restart).
    expect((await http.call('GET', '/api/v1/products')).status).toBe(200)
    await engine.stop()
  })
  afterAll(async () => {
    await world.close().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })

  it('answers a request that needs it with 503 database_unavailable and Retry-After', async () => {
    const started = Date.now()
    const res = await http.call<{ error: { code: string } }>('POST', '/api/v1/auth/login', {
      body: { email, password: A_PASSWORD },
    })
    expect(res.status).toBe(503)
    expect(res.body.error.code).toBe('database_unavailable')
    expect(res.headers.get('retry-after')).toBe('2')
    // The wait is DATABASE_WAIT_MS (2 s), not mongoose's 10 s buffer; generous for a busy machine.
    expect(Date.now() - started).toBeLessThan(6_000)
  })

  it('keeps serving catalog reads from the cache', async () => {
    expect((await http.call('GET', '/api/v1/products')).status).toBe(200)
  })

  it('reports not ready', async () => {
    const res = await http.call<{ checks: { database: { ok: boolean } } }>('GET', '/readyz')
    expect(res.status).toBe(503)
    expect(res.body.checks.database.ok).toBe(false)
  })
})

describe('the engine a process started', () => {
  let dir: string
  let engine: EngineHandle
  let database: Database

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kloset-db-restart-'))
    engine = await ensureEngine(dir)
    database = await connectDatabase(engine.uri, 'restart', { embedded: true })
  })
  afterAll(async () => {
    await database.close().catch(() => {})
    await engine.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('is started again after it is killed, on the same address and data', async () => {
    const things = database.connection.collection('things')
    await things.insertOne({ name: 'kept' })
    const stateFile = join(dir, 'engine', 'engine.json')
    const before = JSON.parse(await readFile(stateFile, 'utf8')) as { pid: number; port: number }
    process.kill(before.pid, 'SIGKILL')

    let found: unknown
    const deadline = Date.now() + 30_000
    while (!found && Date.now() < deadline) {
      found = await things.findOne({ name: 'kept' }).catch(() => undefined)
      if (!found) await sleep(200)
    }
    expect(found).toMatchObject({ name: 'kept' })
    const after = JSON.parse(await readFile(stateFile, 'utf8')) as { pid: number; port: number }
    expect(after.pid).not.toBe(before.pid)
    expect(after.port).toBe(before.port)
    expect(await readFile(join(dir, 'engine', 'engine.log'), 'utf8')).toMatch(/engine restarted/)
  })
})
