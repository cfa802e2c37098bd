import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { aVerifiedUser, createTestWorld, type TestWorld } from '../test-support/harness.js'
import { systemCtx } from './ctx.js'

// Where a system actor (a job, a subscriber, a webhook) may act is said at each call site
// (`requireAdminOrSystem`); everywhere else an administrators' verb refuses it.
let world: TestWorld
beforeAll(async () => {
  world = await createTestWorld()
})
afterAll(async () => {
  await world.close()
})

const system = () => systemCtx('some-job', world.clock.now())

describe('a system actor', () => {
  it('reads a user, as the mail of a job does', async () => {
    const { user } = await aVerifiedUser(world, 'buyer')
    await expect(world.core.users.get(system(), user.id)).resolves.toMatchObject({ id: user.id })
  })

  it('is refused suspending a user, an administrators-only verb', async () => {
    const { user } = await aVerifiedUser(world, 'buyer')
    await expect(
      world.core.users.suspend(system(), user.id, { reason: 'not a job for a job' }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await expect(world.core.users.get(system(), user.id)).resolves.toMatchObject({
      status: 'active',
    })
  })

  it('is refused listing users and the audit log', async () => {
    await expect(world.core.users.list(system(), { limit: 1 })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(world.core.audit.list(system(), { limit: 1 })).rejects.toMatchObject({
      code: 'forbidden',
    })
  })

  it('runs a job, as the scheduler does', async () => {
    const run = await world.core.jobs.run(system(), 'sweep-idempotency-keys')
    expect(run).toMatchObject({ job: 'sweep-idempotency-keys', ran: true })
  })
})
