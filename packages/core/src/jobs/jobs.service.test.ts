import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  adminCliCtx,
  createTestWorld,
  type TestWorld,
  testKv,
  userCtx,
} from '../test-support/harness.js'
import { JobsService } from './jobs.service.js'
import { DatabaseLocks, LOCK_LEASE_MS, type Locks, RedisLocks } from './lock.js'

/** The owner string of a process on this machine that has exited (a crashed payout run). */
function deadLocalOwner(): string {
  const gone = spawnSync(process.execPath, ['-e', '0'])
  return `${hostname()}:${gone.pid}:crashed`
}

let world: TestWorld
const redis = testKv('redis')
beforeAll(async () => {
  world = await createTestWorld()
})
afterAll(async () => {
  await redis.close()
  await world.close()
})

const lockKinds: [string, () => Locks][] = [
  ['database', () => new DatabaseLocks(world.core.connection, () => world.clock.now())],
  ['redis', () => new RedisLocks(redis)],
]

describe.each(lockKinds)('%s locks', (_kind, makeLocks) => {
  it('let exactly one of two concurrent holders run', async () => {
    const locks = makeLocks()
    let inside = 0
    let most = 0
    const work = async () => {
      inside++
      most = Math.max(most, inside)
      await new Promise((r) => setTimeout(r, 50))
      inside--
      return 'done'
    }
    const results = await Promise.all([
      locks.withLock('k1', 5_000, work),
      locks.withLock('k1', 5_000, work),
    ])
    expect(results.filter((r) => r.acquired)).toHaveLength(1)
    expect(most).toBe(1)
  })

  it('are free again after the holder finishes', async () => {
    const locks = makeLocks()
    await locks.withLock('k2', 5_000, async () => 1)
    expect((await locks.withLock('k2', 5_000, async () => 2)).acquired).toBe(true)
  })

  it('are taken at once from a holder on this machine that died, however long its lease', async () => {
    const locks = makeLocks()
    const key = `k4-${_kind}`
    // What a killed `kloset payouts run` leaves behind: its lease, 30 minutes long.
    if (_kind === 'redis') await redis.set(`lock:${key}`, deadLocalOwner(), 1_800)
    else
      await world.core.connection.collection('locks').insertOne({
        _id: key as never,
        owner: deadLocalOwner(),
        expiresAt: new Date(world.clock.now().getTime() + 30 * 60_000),
      })
    expect((await locks.withLock(key, 30 * 60_000, async () => 'resumed')).acquired).toBe(true)
  })

  it('keep out a live holder on another machine until its lease ends', async () => {
    const locks = makeLocks()
    const key = `k5-${_kind}`
    const elsewhere = 'other-host:1:live'
    if (_kind === 'redis') await redis.set(`lock:${key}`, elsewhere, 60)
    else
      await world.core.connection.collection('locks').insertOne({
        _id: key as never,
        owner: elsewhere,
        expiresAt: new Date(world.clock.now().getTime() + 60_000),
      })
    expect((await locks.withLock(key, 30 * 60_000, async () => 'mine')).acquired).toBe(false)
  })

  it('are released when the work throws', async () => {
    const locks = makeLocks()
    await expect(
      locks.withLock('k3', 5_000, async () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom')
    expect((await locks.withLock('k3', 5_000, async () => 3)).acquired).toBe(true)
  })
})

describe('database locks', () => {
  it('renew the lease while the work runs, for no longer than LOCK_LEASE_MS at a time', async () => {
    const locks = new DatabaseLocks(world.core.connection, () => world.clock.now())
    const leases = world.core.connection.collection<{ _id: string; expiresAt: Date }>('locks')
    await locks.withLock('job:long', 30 * 60_000, async () => {
      const lease = await leases.findOne({ _id: 'job:long' })
      expect(lease!.expiresAt.getTime() - world.clock.now().getTime()).toBe(LOCK_LEASE_MS)
    })
  })

  it('take over a lease whose holder died', async () => {
    const locks = new DatabaseLocks(world.core.connection, () => world.clock.now())
    // A holder that never releases: simulate a crash by leaving the lease in place.
    await world.core.connection.collection('locks').insertOne({
      _id: 'job:crashed' as never,
      owner: 'dead-process',
      expiresAt: new Date(world.clock.now().getTime() - 1_000),
    })
    expect((await locks.withLock('job:crashed', 5_000, async () => 'mine')).acquired).toBe(true)
  })
})

describe('jobs', () => {
  it('runs a registered job with a system actor and reports its result', async () => {
    const jobs = new JobsService({
      locks: new DatabaseLocks(world.core.connection, () => world.clock.now()),
      clock: world.clock,
      logger: world.core.logger,
    })
    jobs.register({
      name: 'echo',
      schedule: '* * * * *',
      summary: 'test',
      run: async (ctx) => ({ actor: ctx.actor.kind }),
    })
    const run = await jobs.run(adminCliCtx(), 'echo')
    expect(run).toMatchObject({ job: 'echo', ran: true, result: { actor: 'system' } })
  })

  it('refuses an unknown job and a seller', async () => {
    await expect(world.core.jobs.run(adminCliCtx(), 'nope')).rejects.toMatchObject({
      kind: 'not_found',
    })
    await expect(
      world.core.jobs.run(userCtx('0123456789abcdef01234567', 'seller'), 'sweep-expired-tokens'),
    ).rejects.toMatchObject({
      kind: 'forbidden',
    })
  })

  it('sweeps expired tokens', async () => {
    await world.core.connection.collection('one_time_tokens').insertOne({
      purpose: 'verify_email',
      tokenHash: 'expired-hash',
      userId: world.core.connection.base.Types.ObjectId.createFromHexString(
        '0123456789abcdef01234567',
      ),
      expiresAt: new Date(world.clock.now().getTime() - 60_000),
    })
    const run = await world.core.jobs.run(adminCliCtx(world.clock.now()), 'sweep-expired-tokens')
    expect(run.result).toMatchObject({ oneTimeTokens: 1 })
  })
})
