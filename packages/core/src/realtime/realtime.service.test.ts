import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  adminCliCtx,
  aSignedUpSeller,
  aVerifiedUser,
  createTestWorld,
  type TestWorld,
  userCtx,
} from '../test-support/index.js'

describe.each(['memory', 'redis'] as const)('realtime tickets on the %s store', (kv) => {
  let world: TestWorld
  beforeAll(async () => {
    world = await createTestWorld({ kv })
  })
  afterAll(() => world.close())

  const signedIn = async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    return world.core.accounts.authenticate(session.accessToken)
  }

  it('lets exactly one of several racing redeemers take a ticket', async () => {
    const principal = await signedIn()
    const { ticket } = await world.core.realtime.issueTicket(
      userCtx(principal.actor.id, 'buyer'),
      principal,
    )
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => world.core.realtime.redeemTicket(ticket)),
    )
    const taken = results.filter((r) => r.status === 'fulfilled')
    expect(taken).toHaveLength(1)
    expect((taken[0] as PromiseFulfilledResult<{ actor: { id: string } }>).value.actor.id).toBe(
      principal.actor.id,
    )
  })

  it('refuses a ticket of a user suspended since it was issued', async () => {
    const principal = await signedIn()
    const { ticket } = await world.core.realtime.issueTicket(
      userCtx(principal.actor.id, 'buyer'),
      principal,
    )
    await world.core.users.suspend(adminCliCtx(), principal.actor.id, { reason: 'fraud' })
    await expect(world.core.realtime.redeemTicket(ticket)).rejects.toMatchObject({
      code: 'invalid_ticket',
    })
  })
})

describe('who may subscribe to a store channel', () => {
  let world: TestWorld
  beforeAll(async () => {
    world = await createTestWorld()
  })
  afterAll(() => world.close())

  it('allows the store’s seller and administrators, and refuses another seller', async () => {
    const { seller, store } = await aSignedUpSeller(world)
    const other = await aSignedUpSeller(world)
    const channel = `store:${store.id}`
    await expect(
      world.core.realtime.authorizeSubscription(seller, channel),
    ).resolves.toBeUndefined()
    await expect(
      world.core.realtime.authorizeSubscription(adminCliCtx(), channel),
    ).resolves.toBeUndefined()
    await expect(
      world.core.realtime.authorizeSubscription(other.seller, channel),
    ).rejects.toMatchObject({ code: 'forbidden' })
  })

  it('refuses a buyer and names an unknown store to an administrator', async () => {
    const { store } = await aSignedUpSeller(world)
    const { user } = await aVerifiedUser(world, 'buyer')
    await expect(
      world.core.realtime.authorizeSubscription(userCtx(user.id, 'buyer'), `store:${store.id}`),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      world.core.realtime.authorizeSubscription(adminCliCtx(), 'store:000000000000000000000000'),
    ).rejects.toMatchObject({ kind: 'not_found' })
  })
})
