import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { aVerifiedUser, createTestWorld, type TestWorld } from '@kloset/core/testing'
import { WebSocket } from 'ws'
import { type RunningServer, startServer } from '../server.js'

let world: TestWorld
let server: RunningServer
beforeAll(async () => {
  world = await createTestWorld()
  server = await startServer(world.core, { port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await server.close()
  await world.close()
})

type Frame = Record<string, unknown>

/** Opens a socket and collects its frames; `next()` waits (bounded) for the next one. */
function connect(url: string, protocols?: string[]) {
  const socket = new WebSocket(url, protocols)
  const frames: Frame[] = []
  const waiters: ((f: Frame) => void)[] = []
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame
    const waiter = waiters.shift()
    if (waiter) waiter(frame)
    else frames.push(frame)
  })
  return {
    socket,
    opened: new Promise<void>((done, fail) => {
      socket.once('open', () => done())
      socket.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)))
      socket.once('error', fail)
    }),
    next: () =>
      new Promise<Frame>((done, fail) => {
        const queued = frames.shift()
        if (queued) return done(queued)
        const timer = setTimeout(() => fail(new Error('no frame within 3 s')), 3_000)
        waiters.push((f) => {
          clearTimeout(timer)
          done(f)
        })
      }),
    send: (message: Frame) => socket.send(JSON.stringify(message)),
  }
}

const wsUrl = () => server.url.replace(/^http/, 'ws') + '/ws'

describe('the WebSocket gateway', () => {
  it('refuses an upgrade without a token with 401', async () => {
    const client = connect(wsUrl())
    await expect(client.opened).rejects.toThrow('HTTP 401')
  })

  it('refuses an upgrade with a bad token', async () => {
    const client = connect(`${wsUrl()}?access_token=not-a-token`)
    await expect(client.opened).rejects.toThrow('HTTP 401')
  })

  it('welcomes a signed-in user on their own channel, by query token or by subprotocol', async () => {
    const { session, user } = await aVerifiedUser(world, 'buyer')
    for (const client of [
      connect(`${wsUrl()}?access_token=${session.accessToken}`),
      connect(wsUrl(), ['bearer', session.accessToken]),
    ]) {
      await client.opened
      expect(await client.next()).toEqual({
        type: 'welcome',
        userId: user.id,
        channels: [`user:${user.id}`],
      })
      client.socket.close()
    }
  })

  it('refuses a buyer the admin channel and answers pings', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const client = connect(`${wsUrl()}?access_token=${session.accessToken}`)
    await client.opened
    await client.next()
    client.send({ type: 'subscribe', channel: 'admin' })
    expect(await client.next()).toEqual({ type: 'error', code: 'forbidden', channel: 'admin' })
    client.send({ type: 'ping' })
    expect(await client.next()).toEqual({ type: 'pong' })
    client.socket.close()
  })

  it('lets an admin subscribe to the admin channel and pushes sign-ups there', async () => {
    const { session } = await aVerifiedUser(world, 'admin')
    const client = connect(`${wsUrl()}?access_token=${session.accessToken}`)
    await client.opened
    await client.next()
    client.send({ type: 'subscribe', channel: 'admin' })
    expect(await client.next()).toEqual({ type: 'subscribed', channel: 'admin' })
    await aVerifiedUser(world, 'seller')
    expect(await client.next()).toMatchObject({
      type: 'event',
      channel: 'admin',
      event: 'user.signed_up',
      seq: expect.any(Number),
    })
    client.socket.close()
  })

  it('closes the sockets of a user who is suspended', async () => {
    const { session, user } = await aVerifiedUser(world, 'buyer')
    const client = connect(`${wsUrl()}?access_token=${session.accessToken}`)
    await client.opened
    await client.next()
    const closed = new Promise<number>((done) => client.socket.once('close', (code) => done(code)))
    await world.core.users.suspend(
      { actor: { kind: 'admin-cli', id: 'cli:t', osUser: 't' }, now: new Date(), requestId: 't' },
      user.id,
      { reason: 'abuse of chat' },
    )
    expect(await closed).toBe(4001)
  })
})
