import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  adminCliCtx,
  anotherProcess,
  aProductIn,
  aSellerWithStore,
  aVerifiedUser,
  createTestWorld,
  type OtherProcess,
  type TestWorld,
} from '@kloset/core/testing'
import { type RunningServer, startServer } from '../server.js'
import { connect, type Frame } from '../test-support/ws-client.js'

// Several processes on one database: instances behind a load balancer, or the server and a
// `kloset` command in a terminal. A socket on one must hear what another did.

let world: TestWorld
const opened: { other: OtherProcess; server?: RunningServer }[] = []
beforeAll(async () => {
  world = await createTestWorld()
})
afterAll(async () => {
  for (const { other, server } of opened.reverse()) {
    await server?.close()
    await other.close()
  }
  await world.close()
})

/** Another process on the world's database with its relay running, and a server if asked. */
async function anInstance(options: { redisPrefix?: string; pollMs?: number; serve?: boolean }) {
  const other = await anotherProcess(world, options)
  const server = options.serve
    ? await startServer(other.core, { port: 0, host: '127.0.0.1' })
    : undefined
  opened.push({ other, ...(server ? { server } : {}) })
  return { core: other.core, server }
}

/** An administrator's socket on `server`, subscribed to the `admin` channel. */
async function anAdminSocket(server: RunningServer) {
  const { session } = await aVerifiedUser(world, 'admin')
  const client = connect(`${server.url.replace(/^http/, 'ws')}/ws`, ['bearer', session.accessToken])
  await client.opened
  expect(await client.next()).toMatchObject({ type: 'welcome' })
  client.send({ id: 1, type: 'subscribe', channel: 'admin' })
  expect(await client.next()).toMatchObject({ id: 1, type: 'subscribed' })
  return client
}

/** Reads frames until the push for this product's rejection (other pushes may come first). */
async function rejectionOf(client: ReturnType<typeof connect>, productId: string) {
  for (;;) {
    const frame: Frame = await client.next()
    const data = frame.data as { productId?: string } | undefined
    if (frame.event === 'product.rejected' && data?.productId === productId) return frame
  }
}

describe('pushes across processes', () => {
  it('reach a socket on instance A when instance B acts, through Redis alone', async () => {
    const prefix = `x${randomBytes(6).toString('hex')}:`
    // Polling every minute: within the test only Redis can carry the event.
    const a = await anInstance({ redisPrefix: prefix, pollMs: 60_000, serve: true })
    const b = await anInstance({ redisPrefix: prefix, pollMs: 60_000 })
    const client = await anAdminSocket(a.server!)
    const { seller } = await aSellerWithStore(world)
    const { product } = await aProductIn(world, seller, 'pending_review')
    await b.core.products.reject(adminCliCtx(world.clock.now()), product.id, {
      reason: 'blurry photos',
    })
    expect(await rejectionOf(client, product.id)).toMatchObject({
      channel: 'admin',
      event: 'product.rejected',
      data: { productId: product.id, reason: 'blurry photos' },
    })
    client.socket.close()
  })

  it('reach a socket on the server when a CLI command acts, without Redis', async () => {
    const server = await anInstance({ serve: true })
    const client = await anAdminSocket(server.server!)
    const { seller } = await aSellerWithStore(world)
    const { product } = await aProductIn(world, seller, 'pending_review')
    // The world's core stands for `kloset products reject` in a terminal: no Redis, no relay.
    await world.core.products.reject(adminCliCtx(world.clock.now()), product.id, {
      reason: 'watermarked photos',
    })
    expect(await rejectionOf(client, product.id)).toMatchObject({
      event: 'product.rejected',
      data: { productId: product.id },
    })
    client.socket.close()
  })
})
