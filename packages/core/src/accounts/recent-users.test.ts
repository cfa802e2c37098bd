import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type Core, createCore } from '../create-core.js'
import { connectDatabase, type Database } from '../db/connection.js'
import { createLogger } from '../shared/logger.js'
import {
  adminCliCtx,
  aVerifiedUser,
  createTestWorld,
  type TestWorld,
  testMongoUri,
} from '../test-support/harness.js'
import { RecentUsers } from './recent-users.js'
import type { UserDoc } from './user.model.js'

describe('RecentUsers', () => {
  const user = { email: 'a@example.test' } as UserDoc
  it('returns a remembered user until the TTL passes, then reads again', () => {
    let now = 0
    const recent = new RecentUsers(1_000, () => now)
    recent.remember('u1', user)
    now = 999
    expect(recent.get('u1')).toBe(user)
    now = 1_000
    expect(recent.get('u1')).toBeUndefined()
  })

  it('forgets a user at once', () => {
    const recent = new RecentUsers(1_000, () => 0)
    recent.remember('u1', user)
    recent.forget('u1')
    expect(recent.get('u1')).toBeUndefined()
  })

  it('keeps nothing with a TTL of 0', () => {
    const recent = new RecentUsers(0, () => 0)
    recent.remember('u1', user)
    expect(recent.get('u1')).toBeUndefined()
  })
})

describe('a suspension made by another process', () => {
  let world: TestWorld
  let otherDatabase: Database
  let other: Core
  beforeAll(async () => {
    world = await createTestWorld()
    // A second core on the same database stands in for `kloset users suspend` in a terminal.
    otherDatabase = await connectDatabase(testMongoUri(), world.dbName, { embedded: true })
    other = await createCore(world.config, {
      database: otherDatabase,
      logger: createLogger({ level: 'silent', pretty: false }),
    })
  })
  afterAll(async () => {
    await other.close()
    await otherDatabase.close()
    await world.close()
  })

  it('refuses the suspended user within a second', async () => {
    const { session, user } = await aVerifiedUser(world)
    await world.core.accounts.authenticate(session.accessToken)
    await other.users.suspend(adminCliCtx(), user.id, { reason: 'card testing' })
    const started = Date.now()
    let refusedAfter: number | undefined
    while (Date.now() - started < 3_000) {
      const ok = await world.core.accounts.authenticate(session.accessToken).then(
        () => true,
        () => false,
      )
      if (!ok) {
        refusedAfter = Date.now() - started
        break
      }
      await new Promise((done) => setTimeout(done, 50))
    }
    expect(refusedAfter).toBeDefined()
    // The TTL is 1 s; the slack is for a loaded machine, not for the rule.
    expect(refusedAfter!).toBeLessThan(2_000)
  })
})
