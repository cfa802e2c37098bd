import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { adminCliCtx, createTestWorld, type TestWorld } from '../test-support/index.js'

// The admin lists called without a `limit` (a script, a caller in core) get the schema's page
// of 20, not a `.limit(NaN)` handed to the database.
let world: TestWorld
beforeAll(async () => {
  world = await createTestWorld()
})
afterAll(() => world.close())

const admin = () => adminCliCtx(world.clock.now())

describe('admin lists without a limit', () => {
  it('gives the first 20 audit entries and a cursor to the rest', async () => {
    for (let i = 0; i < 21; i++) {
      await world.core.audit.record(admin(), 'test.listed', { type: 'test', id: `t${i}` })
    }
    const page = await world.core.audit.list(admin(), { action: 'test.listed' })
    expect(page.items).toHaveLength(20)
    expect(page.nextCursor).toEqual(expect.any(String))
  })

  it('gives the first 20 payment events and a cursor to the rest', async () => {
    const at = world.clock.now()
    await world.core.connection.collection('payment_events').insertMany(
      Array.from({ length: 21 }, (_, i) => ({
        key: `test-event-${i}`,
        provider: 'paystack',
        event: 'charge.success',
        reference: `kg-list-${i}`,
        rawBody: '{}',
        receivedAt: at,
        requestId: `req-${i}`,
      })),
    )
    const page = await world.core.payments.list(admin(), {})
    expect(page.items).toHaveLength(20)
    expect(page.nextCursor).toEqual(expect.any(String))
  })

  it('still refuses a limit out of range', async () => {
    await expect(world.core.audit.list(admin(), { limit: 0 })).rejects.toMatchObject({
      code: 'validation_failed',
    })
    await expect(world.core.payments.list(admin(), { limit: 1000 })).rejects.toMatchObject({
      code: 'validation_failed',
    })
  })
})
