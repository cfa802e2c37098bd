import { type Socket, connect as tcpConnect } from 'node:net'
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

/** A raw TCP connection that completes the WebSocket handshake by hand (to send broken frames). */
async function rawUpgrade(token: string): Promise<Socket> {
  const { port } = new URL(server.url)
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
  const health = await fetch(`${server.url}/healthz`)
  expect(health.status).toBe(200)
  const client = connect(wsUrl(), ['bearer', token])
  await client.opened
  expect(await client.next()).toMatchObject({ type: 'welcome' })
  client.socket.close()
}

describe('the WebSocket gateway under hostile clients', () => {
  it('closes a socket that sends a frame over 64 KiB with 1009 and keeps serving', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    for (let i = 0; i < 3; i++) {
      const client = connect(wsUrl(), ['bearer', session.accessToken])
      await client.opened
      await client.next()
      const closed = new Promise<number>((done) =>
        client.socket.once('close', (code) => done(code)),
      )
      client.socket.send('x'.repeat(64 * 1024 + 1))
      expect(await closed).toBe(1009)
    }
    await expectServerStillServing(session.accessToken)
  })

  it('answers garbage text with an error and survives binary and invalid UTF-8 frames', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const client = connect(wsUrl(), ['bearer', session.accessToken])
    await client.opened
    await client.next()
    client.socket.send('{not json')
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_json' })
    const closed = new Promise<number>((done) => client.socket.once('close', (code) => done(code)))
    // A text frame with bytes that are not UTF-8: the protocol says close 1007.
    const raw = await rawUpgrade(session.accessToken)
    const received = readUntilCloseFrame(raw)
    raw.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]))
    expect(await received).toBe(1007)
    raw.destroy()
    client.socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]))
    expect(await client.next()).toMatchObject({ type: 'error' })
    client.socket.close()
    await closed
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
    await new Promise((done) => setTimeout(done, 200))
    await expectServerStillServing(session.accessToken)
  })
})
