import { type Socket, connect as tcpConnect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  adminCliCtx,
  anonCtx,
  aPaidOrder,
  aSellerWithStore,
  aSignedUpSeller,
  aVerifiedUser,
  paystackWorldForSuite,
} from '@kloset/core/testing'
import { WebSocket } from 'ws'
import { type RunningServer, startServer } from '../server.js'
import { checkedFetch } from '../test-support/checked-fetch.js'
import { serverForSuite } from '../test-support/suite.js'
import { type Client, connect, type Frame } from '../test-support/ws-client.js'
import type { GatewayOptions } from './gateway.js'

const ALLOWED_ORIGIN = 'https://shop.example.com'

// Redis behind core.kv: tickets are taken with the same atomic script every instance uses.
const { pw, world } = paystackWorldForSuite({
  kv: 'redis',
  config: { realtime: { allowedOrigins: [ALLOWED_ORIGIN] } },
})
const server = serverForSuite(world)

const wsUrl = (on: RunningServer = server) => `${on.url.replace(/^http/, 'ws')}/ws`

/** A signed-in socket that has read its welcome frame. */
async function signedIn(token: string, on: RunningServer = server): Promise<Client> {
  // Inbox items made by earlier steps (an approved store, a paid order) are pushed on the user's
  // channel: let them go by first, so the tests read the frames they cause.
  await world.core.events.drain()
  await world.core.events.drain()
  const client = connect(wsUrl(on), ['bearer', token])
  await client.opened
  expect(await client.next()).toMatchObject({ type: 'welcome' })
  return client
}

async function ticketFor(token: string): Promise<string> {
  const response = await checkedFetch(`${server.url}/api/v1/realtime/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  })
  expect(response.status).toBe(201)
  return ((await response.json()) as { ticket: string }).ticket
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

describe('authentication on upgrade', () => {
  it('refuses an upgrade without credentials with 401', async () => {
    await expect(connect(wsUrl()).opened).rejects.toThrow('HTTP 401')
  })

  it('refuses a bad bearer token and an access token in the query string', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    await expect(connect(wsUrl(), ['bearer', 'not-a-token']).opened).rejects.toThrow('HTTP 401')
    await expect(connect(`${wsUrl()}?access_token=${session.accessToken}`).opened).rejects.toThrow(
      'HTTP 401',
    )
  })

  it('welcomes a user signed in by subprotocol on their own channel', async () => {
    const { session, user } = await aVerifiedUser(world, 'buyer')
    const client = connect(wsUrl(), ['bearer', session.accessToken])
    await client.opened
    expect(client.socket.protocol).toBe('bearer')
    expect(await client.next()).toEqual({
      type: 'welcome',
      protocol: 1,
      userId: user.id,
      channels: [`user:${user.id}`],
      expiresAt: expect.any(String),
    })
    client.socket.close()
  })

  it('opens a socket with a ticket once, and never twice', async () => {
    const { session, user } = await aVerifiedUser(world, 'buyer')
    const ticket = await ticketFor(session.accessToken)
    const client = connect(`${wsUrl()}?ticket=${ticket}`)
    await client.opened
    expect(await client.next()).toMatchObject({ type: 'welcome', userId: user.id })
    await expect(connect(`${wsUrl()}?ticket=${ticket}`).opened).rejects.toThrow('HTTP 401')
    client.socket.close()
  })

  it('refuses a ticket older than 30 seconds and one that was never issued', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const ticket = await ticketFor(session.accessToken)
    world.clock.advance(31_000)
    await expect(connect(`${wsUrl()}?ticket=${ticket}`).opened).rejects.toThrow('HTTP 401')
    await expect(connect(`${wsUrl()}?ticket=${'A'.repeat(43)}`).opened).rejects.toThrow('HTTP 401')
  })

  it('issues tickets to signed-in users only', async () => {
    const response = await checkedFetch(`${server.url}/api/v1/realtime/tickets`, { method: 'POST' })
    expect(response.status).toBe(401)
  })

  it('refuses a foreign Origin with 403 and accepts the allowed one', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    await expect(
      connect(wsUrl(), ['bearer', session.accessToken], { origin: 'https://evil.example' }).opened,
    ).rejects.toThrow('HTTP 403')
    const client = connect(wsUrl(), ['bearer', session.accessToken], { origin: ALLOWED_ORIGIN })
    await client.opened
    client.socket.close()
  })
})

describe('commands and channels', () => {
  it('echoes the id of each command in its reply', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const client = await signedIn(session.accessToken)
    client.send({ type: 'ping', id: 'p-1' })
    expect(await client.next()).toEqual({ type: 'pong', id: 'p-1' })
    client.send({ type: 'ping' })
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_message' })
    client.send({ type: 'shout', id: 7 })
    expect(await client.next()).toMatchObject({ type: 'error', id: 7, code: 'invalid_message' })
    client.socket.close()
  })

  it("refuses another user's channel and the admin channel to a buyer, and stays open", async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const other = await aVerifiedUser(world, 'buyer')
    const client = await signedIn(session.accessToken)
    client.send({ type: 'subscribe', id: 1, channel: 'admin' })
    expect(await client.next()).toMatchObject({ type: 'error', id: 1, code: 'forbidden' })
    client.send({ type: 'subscribe', id: 2, channel: `user:${other.user.id}` })
    expect(await client.next()).toMatchObject({ type: 'error', id: 2, code: 'forbidden' })
    client.send({ type: 'subscribe', id: 3, channel: 'everything' })
    expect(await client.next()).toMatchObject({ type: 'error', id: 3, code: 'unknown_channel' })
    client.send({ type: 'ping', id: 4 })
    expect(await client.next()).toEqual({ type: 'pong', id: 4 })
    client.socket.close()
  })

  it('lets an admin subscribe to the admin channel and pushes sign-ups there', async () => {
    const { session } = await aVerifiedUser(world, 'admin')
    const client = await signedIn(session.accessToken)
    client.send({ type: 'subscribe', id: 'a', channel: 'admin' })
    expect(await client.next()).toEqual({
      type: 'subscribed',
      id: 'a',
      channel: 'admin',
      seq: expect.any(Number),
      epoch: expect.any(String),
    })
    const seller = await aVerifiedUser(world, 'seller')
    expect(await client.next()).toEqual({
      type: 'event',
      channel: 'admin',
      event: 'user.signed_up',
      seq: expect.any(Number),
      epoch: expect.any(String),
      data: { userId: seller.user.id, email: seller.email, role: 'seller' },
      at: expect.any(String),
    })
    client.socket.close()
  })

  it('lets the buyer and the seller follow an order and pushes its shipment to both', async () => {
    const { store, buyer, order } = await aPaidOrder(pw)
    const stranger = await aVerifiedUser(world, 'buyer')
    const buyerSocket = await signedIn(buyer.session.accessToken)
    const sellerSocket = await signedIn(store.token)
    const strangerSocket = await signedIn(stranger.session.accessToken)
    buyerSocket.send({ type: 'subscribe', id: 1, channel: `order:${order.id}` })
    expect(await buyerSocket.next()).toMatchObject({ type: 'subscribed', id: 1 })
    sellerSocket.send({ type: 'subscribe', id: 1, channel: `order:${order.id}` })
    expect(await sellerSocket.next()).toMatchObject({ type: 'subscribed', id: 1 })
    sellerSocket.send({ type: 'subscribe', id: 2, channel: `store:${store.store.id}` })
    expect(await sellerSocket.next()).toMatchObject({ type: 'subscribed', id: 2 })
    strangerSocket.send({ type: 'subscribe', id: 1, channel: `order:${order.id}` })
    expect(await strangerSocket.next()).toMatchObject({ type: 'error', code: 'forbidden' })
    strangerSocket.send({ type: 'subscribe', id: 2, channel: `store:${store.store.id}` })
    expect(await strangerSocket.next()).toMatchObject({ type: 'error', code: 'forbidden' })

    await world.core.orders.ship(store.seller, order.id, {
      carrier: 'GIG Logistics',
      trackingNumber: 'GIG-123',
    })
    const shipped = { type: 'event', event: 'order.shipped', data: { orderId: order.id } }
    expect(await buyerSocket.next()).toMatchObject({ ...shipped, channel: `order:${order.id}` })
    const onSeller = [await sellerSocket.next(), await sellerSocket.next()]
    expect(onSeller.map((f) => f.channel).sort()).toEqual(
      [`order:${order.id}`, `store:${store.store.id}`].sort(),
    )
    for (const frame of onSeller) expect(frame).toMatchObject(shipped)
    for (const client of [buyerSocket, sellerSocket, strangerSocket]) client.socket.close()
  })
})

describe('notifications on the user channel', () => {
  it("pushes each new inbox item and each read to the owner's socket with the absolute unread count", async () => {
    const { seller, store, token, userId } = await aSignedUpSeller(world, 'pending')
    const client = await signedIn(token)
    const channel = `user:${userId}`
    await world.core.stores.approve(adminCliCtx(world.clock.now()), store.id)
    const approved = await client.next()
    expect(approved).toEqual({
      type: 'event',
      channel,
      event: 'notification.created',
      seq: expect.any(Number),
      epoch: expect.any(String),
      data: {
        userId,
        notificationId: expect.any(String),
        type: 'store_decision',
        title: expect.stringContaining(store.name),
        unreadCount: 1,
        seq: 1,
      },
      at: expect.any(String),
    })
    // Read on some device: every socket of the user learns the lower badge.
    await world.core.notifications.markRead(
      seller,
      (approved.data as Frame).notificationId as string,
    )
    expect(await client.next()).toMatchObject({
      channel,
      event: 'notification.badge_changed',
      data: { userId, unreadCount: 0, seq: 2 },
    })
    // Another item comes: the count is absolute (1), the inbox seq moved on.
    await world.core.stores.suspend(adminCliCtx(world.clock.now()), store.id, { reason: 'fakes' })
    expect(await client.next()).toMatchObject({
      channel,
      event: 'notification.created',
      data: { type: 'store_decision', unreadCount: 1, seq: 3 },
    })
    await world.core.notifications.markAllRead(seller)
    expect(await client.next()).toMatchObject({
      event: 'notification.badge_changed',
      data: { unreadCount: 0, seq: 4 },
    })
    client.socket.close()
  })
})

describe('publications', () => {
  it('delivers frames of every length class (7-bit, 16-bit and 64-bit lengths) intact', async () => {
    const { session, user } = await aVerifiedUser(world, 'buyer')
    const client = await signedIn(session.accessToken)
    for (const size of [1, 200, 70_000]) {
      const text = 'k'.repeat(size)
      server.gateway.publish(`user:${user.id}`, 'test.sized', { text })
      expect(await client.next()).toMatchObject({ event: 'test.sized', data: { text } })
    }
    client.socket.close()
  })
})

describe('recovery on resubscribe', () => {
  it('replays exactly what was missed, in order, with no gaps or duplicates', async () => {
    const { session, user } = await aVerifiedUser(world, 'buyer')
    const channel = `user:${user.id}`
    const first = await signedIn(session.accessToken)
    server.gateway.publish(channel, 'test.note', { n: 1 })
    const seen = await first.next()
    expect(seen).toMatchObject({ channel, data: { n: 1 } })
    first.socket.close()
    await first.closed
    for (let n = 2; n <= 5; n++) server.gateway.publish(channel, 'test.note', { n })

    const again = await signedIn(session.accessToken)
    // Already on its user: channel, the new socket gets this one live, before it resubscribes.
    server.gateway.publish(channel, 'test.note', { n: 6 })
    expect(await again.next()).toMatchObject({ data: { n: 6 }, seq: (seen.seq as number) + 5 })
    again.send({ type: 'subscribe', id: 's', channel, since: { seq: seen.seq, epoch: seen.epoch } })
    const reply = await again.next()
    expect(reply).toMatchObject({ type: 'subscribed', id: 's', recovered: true })
    const replayed = reply.publications as Frame[]
    expect(replayed.map((p) => (p.data as { n: number }).n)).toEqual([2, 3, 4, 5])
    expect(replayed.map((p) => p.seq)).toEqual(
      [2, 3, 4, 5].map((i) => (seen.seq as number) + i - 1),
    )
    server.gateway.publish(channel, 'test.note', { n: 7 })
    expect(await again.next()).toMatchObject({ data: { n: 7 }, seq: (seen.seq as number) + 6 })
    again.socket.close()
  })

  it('replays the gap on a newly joined channel and then delivers live', async () => {
    const { store, token } = await aSignedUpSeller(world)
    const channel = `store:${store.id}`
    const first = await signedIn(token)
    first.send({ type: 'subscribe', id: 1, channel })
    const position = await first.next()
    first.socket.close()
    await first.closed
    for (let n = 1; n <= 3; n++) server.gateway.publish(channel, 'test.note', { n })
    const again = await signedIn(token)
    again.send({
      type: 'subscribe',
      id: 2,
      channel,
      since: { seq: position.seq, epoch: position.epoch },
    })
    const reply = await again.next()
    expect(reply).toMatchObject({ recovered: true, seq: (position.seq as number) + 3 })
    expect((reply.publications as Frame[]).map((p) => (p.data as { n: number }).n)).toEqual([
      1, 2, 3,
    ])
    server.gateway.publish(channel, 'test.note', { n: 4 })
    expect(await again.next()).toMatchObject({ data: { n: 4 }, seq: (position.seq as number) + 4 })
    again.socket.close()
  })

  it('pushes tracking checkpoints on the order channel and replays them on resubscribe', async () => {
    const { store, buyer, order } = await aPaidOrder(pw)
    await world.core.orders.ship(store.seller, order.id, {
      carrier: 'GIG Logistics',
      trackingNumber: 'GIG-456',
    })
    const channel = `order:${order.id}`
    const first = await signedIn(buyer.session.accessToken)
    first.send({ type: 'subscribe', id: 1, channel })
    expect(await first.next()).toMatchObject({ type: 'subscribed', id: 1 })
    const post = (body: Record<string, unknown>) =>
      checkedFetch(`${server.url}/api/v1/seller/orders/${order.id}/tracking`, {
        method: 'POST',
        headers: { authorization: `Bearer ${store.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect((await post({ status: 'in_transit', location: 'Ibadan hub' })).status).toBe(201)
    const live = await first.next()
    expect(live).toMatchObject({
      type: 'event',
      channel,
      event: 'order.tracking_updated',
      data: {
        orderId: order.id,
        storeId: store.store.id,
        buyerId: buyer.user.id,
        checkpoint: { status: 'in_transit', location: 'Ibadan hub', carrier: 'GIG Logistics' },
      },
    })
    first.socket.close()
    await first.closed

    expect((await post({ status: 'delivered', location: 'Lekki' })).status).toBe(201)
    const again = await signedIn(buyer.session.accessToken)
    again.send({ type: 'subscribe', id: 2, channel, since: { seq: live.seq, epoch: live.epoch } })
    const reply = await again.next()
    expect(reply).toMatchObject({ type: 'subscribed', recovered: true })
    const replayed = reply.publications as Frame[]
    expect(replayed.map((p) => [p.event, p.seq])).toEqual([
      ['order.tracking_updated', (live.seq as number) + 1],
      ['order.delivered', (live.seq as number) + 2],
    ])
    expect(replayed[0]).toMatchObject({ data: { checkpoint: { status: 'delivered' } } })
    again.socket.close()
  })

  it('says recovered: false when the gap is older than the history or the epoch changed', async () => {
    const { session, user } = await aVerifiedUser(world, 'buyer')
    const channel = `user:${user.id}`
    const first = server.gateway.publish(channel, 'test.note', { n: 0 })
    // While the user has no socket, more than the 100 kept publications go by.
    for (let n = 1; n <= 101; n++) server.gateway.publish(channel, 'test.note', { n })
    const client = await signedIn(session.accessToken)
    client.send({
      type: 'subscribe',
      id: 1,
      channel,
      since: { seq: first.seq, epoch: first.epoch },
    })
    expect(await client.next()).toMatchObject({ recovered: false, publications: [] })
    client.send({ type: 'subscribe', id: 2, channel, since: { seq: 101, epoch: 'other' } })
    expect(await client.next()).toMatchObject({ recovered: false, publications: [] })
    client.send({ type: 'subscribe', id: 3, channel, since: { seq: 102, epoch: first.epoch } })
    expect(await client.next()).toMatchObject({ recovered: true, publications: [] })
    client.send({ type: 'subscribe', id: 4, channel, since: { seq: 103, epoch: first.epoch } })
    expect(await client.next()).toMatchObject({ recovered: false, publications: [] })
    client.socket.close()
  })
})

describe('limits', () => {
  it('closes a socket that sends faster than its rate with 1008', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const client = await signedIn(session.accessToken)
    for (let i = 0; i < 100; i++) client.send({ type: 'ping', id: i })
    expect(await client.closed).toBe(1008)
  })

  it('refuses the 11th socket of one user with 429', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const open: Client[] = []
    for (let i = 0; i < 10; i++) open.push(await signedIn(session.accessToken))
    await expect(connect(wsUrl(), ['bearer', session.accessToken]).opened).rejects.toThrow(
      'HTTP 429',
    )
    for (const client of open) client.socket.close()
  })

  it('terminates a slow consumer whose unsent bytes pass 1 MiB', async () => {
    const { session, user } = await aVerifiedUser(world, 'buyer')
    const raw = await rawUpgrade(session.accessToken)
    await new Promise((done) => raw.once('data', done))
    raw.pause() // never reads again: the server's buffer fills
    const gone = new Promise<void>((done) => raw.once('close', () => done()))
    raw.on('error', () => {})
    const chunk = 'x'.repeat(60 * 1024)
    let sent = 0
    while (server.gateway.connectionsOf(user.id) > 0 && sent < 2000) {
      server.gateway.publish(`user:${user.id}`, 'test.bulk', { chunk })
      sent++
      if (sent % 20 === 0) await sleep(10)
    }
    expect(server.gateway.connectionsOf(user.id)).toBe(0)
    expect(sent).toBeGreaterThan(16) // more than 1 MiB was published before it was dropped
    raw.destroy()
    await gone
  })
})

describe("a user's message rate across sockets", () => {
  let limited: RunningServer
  beforeAll(async () => {
    // Two sockets of one user may send 30 messages together (each alone could send 40).
    const gateway: GatewayOptions = { userMessageBurst: 30, userMessagesPerSecond: 15 }
    limited = await startServer(world.core, { port: 0, host: '127.0.0.1', gateway })
  })
  afterAll(() => limited.close())

  const pings = (client: Client, count: number) => {
    for (let id = 0; id < count; id++) client.send({ type: 'ping', id })
  }

  it("closes with 1008 the socket that takes its user's sockets together over their rate", async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const first = await signedIn(session.accessToken, limited)
    const second = await signedIn(session.accessToken, limited)
    pings(first, 20)
    for (let id = 0; id < 20; id++) expect(await first.next()).toEqual({ type: 'pong', id })
    pings(second, 20) // within its own rate (40), over what the user has left
    expect(await second.closed).toBe(1008)
    expect(first.socket.readyState).toBe(WebSocket.OPEN)
    first.socket.close()
  })

  it("leaves another user's sockets alone while one user is over the rate", async () => {
    const noisy = await aVerifiedUser(world, 'buyer')
    const quiet = await aVerifiedUser(world, 'buyer')
    const sockets = [
      await signedIn(noisy.session.accessToken, limited),
      await signedIn(noisy.session.accessToken, limited),
    ]
    const other = await signedIn(quiet.session.accessToken, limited)
    for (const socket of sockets) pings(socket, 25)
    // Frames of two connections interleave: whichever socket spends past the budget is closed.
    expect(await Promise.race(sockets.map((socket) => socket.closed))).toBe(1008)
    pings(other, 25)
    for (let id = 0; id < 25; id++) expect(await other.next()).toEqual({ type: 'pong', id })
    expect(other.socket.readyState).toBe(WebSocket.OPEN)
    for (const socket of sockets) socket.socket.close()
    other.socket.close()
  })
})

describe('gateway options', () => {
  let small: RunningServer
  const options: GatewayOptions = { heartbeatMs: 100, maxSubscriptions: 2 }
  beforeAll(async () => {
    small = await startServer(world.core, { port: 0, host: '127.0.0.1', gateway: options })
  })
  afterAll(() => small.close())

  it('refuses a subscription beyond the limit with an error and keeps the socket', async () => {
    const { session } = await aVerifiedUser(world, 'admin')
    const { store } = await aSellerWithStore(world)
    const client = await signedIn(session.accessToken, small) // user:<id> is the first
    client.send({ type: 'subscribe', id: 1, channel: 'admin' })
    expect(await client.next()).toMatchObject({ type: 'subscribed', id: 1 })
    client.send({ type: 'subscribe', id: 2, channel: `store:${store.id}` })
    expect(await client.next()).toMatchObject({ type: 'error', code: 'too_many_subscriptions' })
    client.send({ type: 'unsubscribe', id: 3, channel: 'admin' })
    expect(await client.next()).toEqual({ type: 'unsubscribed', id: 3, channel: 'admin' })
    client.send({ type: 'subscribe', id: 4, channel: `store:${store.id}` })
    expect(await client.next()).toMatchObject({ type: 'subscribed', id: 4 })
    client.socket.close()
  })

  it('terminates a peer that misses two heartbeats and keeps one that answers', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const alive = await signedIn(session.accessToken, small)
    const dead = await rawUpgrade(session.accessToken, small) // never answers pings
    dead.on('error', () => {})
    dead.resume()
    const gone = new Promise<void>((done) => dead.once('close', () => done()))
    await gone
    expect(alive.socket.readyState).toBe(WebSocket.OPEN)
    alive.socket.close()
  })

  it('asks open sockets to reconnect with 1012 on close, and refuses upgrades with 503', async () => {
    const closing = await startServer(world.core, { port: 0, host: '127.0.0.1' })
    const { session } = await aVerifiedUser(world, 'buyer')
    const client = await signedIn(session.accessToken, closing)
    closing.gateway.close()
    expect(await client.closed).toBe(1012)
    await expect(connect(wsUrl(closing), ['bearer', session.accessToken]).opened).rejects.toThrow(
      'HTTP 503',
    )
    await closing.close()
  })
})

describe('closing sockets when the session ends', () => {
  it('closes the sockets of a user who is suspended with 4001', async () => {
    const { session, user } = await aVerifiedUser(world, 'buyer')
    const client = await signedIn(session.accessToken)
    await world.core.users.suspend(adminCliCtx(world.clock.now()), user.id, {
      reason: 'abuse of chat',
    })
    expect(await client.next()).toMatchObject({ event: 'user.suspended' })
    expect(await client.closed).toBe(4001)
  })

  it('closes the sockets of a user who reset their password with 4003', async () => {
    const { session, email } = await aVerifiedUser(world, 'buyer')
    const client = await signedIn(session.accessToken)
    await world.core.accounts.forgotPassword(anonCtx(world.clock.now()), { email })
    const mail = await world.smtp.waitFor(email, /Reset/)
    const link = mail.links.find((l) => l.includes('/reset-password?token='))!
    await world.core.accounts.resetPassword(anonCtx(world.clock.now()), {
      token: new URL(link).searchParams.get('token')!,
      password: 'a brand new passphrase',
    })
    expect(await client.closed).toBe(4003)
  })

  it('closes a socket with 4002 when its access token expires', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const started = world.clock.now()
    // The token lives 15 minutes by the server's clock: open the socket a second before the end.
    world.clock.advance(world.config.auth.accessTokenTtlSeconds * 1000 - 1000)
    try {
      const client = await signedIn(session.accessToken)
      expect(await client.closed).toBe(4002)
    } finally {
      world.clock.set(started)
    }
  })
})

/** A raw TCP connection that completes the WebSocket handshake by hand (to send broken frames). */
async function rawUpgrade(token: string, on: RunningServer = server): Promise<Socket> {
  const { port } = new URL(on.url)
  const socket = tcpConnect(Number(port), '127.0.0.1')
  await new Promise<void>((done) => socket.once('connect', () => done()))
  socket.write(
    [
      'GET /ws HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      `Sec-WebSocket-Protocol: bearer, ${token}`,
      '',
      '',
    ].join('\r\n'),
  )
  return socket
}

/** Reads a raw socket until the server's close frame and returns its close code. */
function readUntilCloseFrame(socket: Socket): Promise<number> {
  let bytes = Buffer.alloc(0)
  return new Promise((done, fail) => {
    socket.on('error', fail)
    socket.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk])
      const at = bytes.indexOf(Buffer.from([0x88, 0x02]), bytes.indexOf('\r\n\r\n') + 4)
      if (at >= 0 && bytes.length >= at + 4) done(bytes.readUInt16BE(at + 2))
    })
  })
}

/** The server still answers HTTP and still accepts and welcomes a new socket. */
async function expectServerStillServing(token: string) {
  const health = await checkedFetch(`${server.url}/healthz`)
  expect(health.status).toBe(200)
  const client = await signedIn(token)
  client.socket.close()
}

describe('the WebSocket gateway under hostile clients', () => {
  it('closes a socket that sends a frame over 64 KiB with 1009 and keeps serving', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    for (let i = 0; i < 3; i++) {
      const client = await signedIn(session.accessToken)
      client.socket.send('x'.repeat(64 * 1024 + 1))
      expect(await client.closed).toBe(1009)
    }
    await expectServerStillServing(session.accessToken)
  })

  it('answers garbage text with an error and survives binary and invalid UTF-8 frames', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const client = await signedIn(session.accessToken)
    client.socket.send('{not json')
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_json' })
    client.socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]))
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_message' })
    // A text frame with bytes that are not UTF-8: the protocol says close 1007.
    const raw = await rawUpgrade(session.accessToken)
    const received = readUntilCloseFrame(raw)
    raw.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]))
    expect(await received).toBe(1007)
    raw.destroy()
    client.socket.close()
    await expectServerStillServing(session.accessToken)
  })

  it('keeps serving after clients vanish mid-frame and mid-handshake', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    // Gone in the middle of a frame: a header announcing 100 masked bytes, then 10 of them.
    const midFrame = await rawUpgrade(session.accessToken)
    await new Promise((done) => midFrame.once('data', done))
    midFrame.write(Buffer.concat([Buffer.from([0x81, 0xe4, 1, 2, 3, 4]), Buffer.alloc(10)]))
    midFrame.resetAndDestroy()
    // Gone (with a TCP reset) while the server is still checking the token.
    const midHandshake = await rawUpgrade(session.accessToken)
    midHandshake.resetAndDestroy()
    // Gone before sending anything at all.
    tcpConnect(Number(new URL(server.url).port), '127.0.0.1')
      .on('error', () => {})
      .destroy()
    await sleep(200)
    await expectServerStillServing(session.accessToken)
  })
})
