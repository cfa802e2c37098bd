import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { IP_BLOCK_REFRESH_MS } from '@kloset/core'
import {
  adminCliCtx,
  aKeptLog,
  anotherProcess,
  aVerifiedUser,
  createTestWorld,
  type TestWorld,
} from '@kloset/core/testing'
import { type RunningServer, startServer } from './server.js'
import { checkedFetch } from './test-support/checked-fetch.js'
import { connect } from './test-support/ws-client.js'

// Small limits so a test reaches them; the allow-list holds loopback (the test's own address)
// and one documentation range standing in for a health checker.
const rateLimits = {
  windowSeconds: 60,
  auth: 100,
  write: 0,
  read: 3,
  ws: 2,
  wsMessages: 5,
  wsUserMessages: 0,
  wsMessageSeconds: 60,
}
const autoBlocks = {
  windowSeconds: 60,
  blockMinutes: 30,
  thresholds: { rate_limited: 3, failed_login: 3, bad_input: 3 },
  allow: ['loopback', '198.51.100.0/24'],
}

// The largest body a request may declare on this server (12 MiB by default).
const MAX_BODY = 64 * 1024

let world: TestWorld
let server: RunningServer
const log = aKeptLog()
beforeAll(async () => {
  world = await createTestWorld({
    kv: 'redis',
    logger: log.logger,
    config: { rateLimits, autoBlocks },
  })
  // TRUST_PROXY's default: X-Forwarded-For from loopback (this test) is believed.
  server = await startServer(world.core, {
    port: 0,
    host: '127.0.0.1',
    maxRequestBytes: MAX_BODY,
  })
})
afterAll(async () => {
  await server.close()
  await world.close()
})

/** A request over HTTP to the real server, as if from `ip` behind a trusted proxy. */
const from = (ip: string, path: string, init: RequestInit = {}) =>
  checkedFetch(`${server.url}${path}`, {
    ...init,
    headers: { 'x-forwarded-for': ip, ...(init.headers as Record<string, string>) },
  })
const login = (ip: string, body: string) =>
  from(ip, '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })
const wsUrl = () => `${server.url.replace(/^http/, 'ws')}/ws`

/** Opens a socket and answers the upgrade's HTTP status (101 when it opened) and headers. */
async function upgrade(protocols: string[], ip?: string) {
  const client = connect(wsUrl(), protocols, ip ? { headers: { 'x-forwarded-for': ip } } : {})
  let headers: Record<string, unknown> = {}
  client.socket.once('unexpected-response', (_req, res) => {
    headers = res.headers
  })
  const status = await client.opened.then(
    () => 101,
    (error: Error) => Number(error.message.replace('HTTP ', '')),
  )
  return { client, status, headers }
}

const blocksNow = async () => (await world.core.ipBlocks.list(adminCliCtx())).items

describe('WebSocket upgrades and messages in the route classes', () => {
  it('refuses the upgrade past RATE_LIMIT_WS with HTTP 429 and Retry-After', async () => {
    const { session } = await aVerifiedUser(world)
    const opened = [
      await upgrade(['bearer', session.accessToken]),
      await upgrade(['bearer', session.accessToken]),
    ]
    expect(opened.map((o) => o.status)).toEqual([101, 101])
    const refused = await upgrade(['bearer', session.accessToken])
    expect(refused.status).toBe(429)
    const retry = Number(refused.headers['retry-after'])
    expect(retry).toBeGreaterThan(0)
    expect(retry).toBeLessThanOrEqual(60)
    expect(refused.headers['ratelimit-limit']).toBe('2')
    // The count is per user: another user still gets in.
    const other = await upgrade(['bearer', (await aVerifiedUser(world)).session.accessToken])
    expect(other.status).toBe(101)
    for (const { client } of [...opened, other]) client.socket.close()
  })

  it('closes a socket with 1008 once it sends more than RATE_LIMIT_WS_MESSAGES in the interval', async () => {
    const { session } = await aVerifiedUser(world)
    const client = connect(wsUrl(), ['bearer', session.accessToken])
    await client.opened
    expect(await client.next()).toMatchObject({ type: 'welcome' })
    for (let i = 0; i < 5; i++) client.send({ type: 'ping', id: i })
    for (let i = 0; i < 5; i++) expect(await client.next()).toMatchObject({ type: 'pong', id: i })
    client.send({ type: 'ping', id: 5 })
    expect(await client.closed).toBe(1008)
  })
})

describe('automatic blocks after repeated abuse', () => {
  it('blocks an address after N rate-limited answers, with a reason, an expiry and an audit entry', async () => {
    const ip = '203.0.113.5'
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await from(ip, '/api/v1/categories')).status)
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 403])
    const block = (await blocksNow()).find((b) => b.cidr === `${ip}/32`)
    expect(block).toMatchObject({
      reason: 'automatic: 3 rate-limited answers in 60 s',
      createdBy: 'system:auto-block',
    })
    const minutes = (Date.parse(block!.expiresAt!) - Date.parse(block!.createdAt)) / 60_000
    expect(minutes).toBe(30)
    const audit = await world.core.audit.listFor(adminCliCtx(), { type: 'ip', id: `${ip}/32` })
    expect(audit).toMatchObject([{ action: 'ip.blocked', actor: 'system:auto-block' }])
    // Lifted like any block.
    await world.core.ipBlocks.unblock(adminCliCtx(), `${ip}/32`)
    expect((await blocksNow()).some((b) => b.cidr === `${ip}/32`)).toBe(false)
  })

  it('reaches another instance like a manual block', async () => {
    const other = await anotherProcess(world)
    try {
      const ip = '203.0.113.60'
      expect(await other.core.ipBlocks.isBlocked(ip)).toBe(false)
      for (let i = 0; i < 6; i++) await from(ip, '/api/v1/categories')
      expect((await from(ip, '/api/v1/categories')).status).toBe(403)
      world.clock.advance(IP_BLOCK_REFRESH_MS)
      expect(await other.core.ipBlocks.isBlocked(ip)).toBe(true)
    } finally {
      await other.close()
    }
  })

  it('blocks an address after N failed sign-ins', async () => {
    const ip = '203.0.113.20'
    const { email } = await aVerifiedUser(world)
    const wrong = JSON.stringify({ email, password: 'not the password at all' })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await login(ip, wrong)).status)
    expect(statuses).toEqual([401, 401, 401, 403])
    expect((await blocksNow()).find((b) => b.cidr === `${ip}/32`)?.reason).toBe(
      'automatic: 3 failed sign-ins in 60 s',
    )
  })

  it('blocks an address after N rejected inputs, an IPv6 one by its /64', async () => {
    const ip = '2001:db8:77:1::9'
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await login(ip, '{"email": ')).status)
    expect(statuses).toEqual([400, 400, 400, 403])
    expect((await blocksNow()).find((b) => b.cidr === '2001:db8:77:1::/64')?.reason).toBe(
      'automatic: 3 rejected inputs in 60 s',
    )
    // Its neighbour in the /64 is the same host; the next /64 is not.
    expect((await from('2001:db8:77:1::10', '/api/v1/categories')).status).toBe(403)
    expect((await from('2001:db8:77:2::1', '/api/v1/categories')).status).toBe(200)
  })

  it('counts a body over the largest any request may declare as rejected input, logged with its address', async () => {
    const ip = '203.0.113.52'
    const big = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(MAX_BODY) })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await login(ip, big)).status)
    expect(statuses).toEqual([413, 413, 413, 403])
    expect((await blocksNow()).find((b) => b.cidr === '203.0.113.52/32')?.reason).toBe(
      'automatic: 3 rejected inputs in 60 s',
    )
    const line = log.lines.find((l) => l.msg === 'request' && l.ip === ip && l.status === 413)
    expect(line).toMatchObject({ path: '/api/v1/auth/login', method: 'POST' })
  })

  it('blocks an address whose WebSocket upgrades keep being refused with 429', async () => {
    const ip = '203.0.113.40'
    const statuses: number[] = []
    // Bad credentials: counted per address, so the third and later upgrades are 429s.
    for (let i = 0; i < 5; i++) statuses.push((await upgrade(['bearer', 'not-a-token'], ip)).status)
    expect(statuses).toEqual([401, 401, 429, 429, 429])
    // The third refusal reached the threshold: blocked on HTTP and WebSocket alike.
    expect((await from(ip, '/api/v1/categories')).status).toBe(403)
    expect((await upgrade(['bearer', 'not-a-token'], ip)).status).toBe(403)
  })

  it('never blocks an address in the allow-list, however often it is limited', async () => {
    const ip = '198.51.100.9'
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await from(ip, '/api/v1/categories')).status)
    expect(statuses.slice(3)).toEqual([429, 429, 429, 429, 429])
    expect((await blocksNow()).some((b) => b.cidr.startsWith('198.51.100.'))).toBe(false)
  })
})

describe('the request log', () => {
  it('names the client address believed under TRUST_PROXY on every request line', async () => {
    const response = await from('192.0.2.44', '/api/v1/categories', {
      headers: { 'x-request-id': 'log-ip-check' },
    })
    expect(response.status).toBe(200)
    const line = log.lines.find((l) => l.msg === 'request' && l.requestId === 'log-ip-check')
    expect(line).toMatchObject({ path: '/api/v1/categories', status: 200, ip: '192.0.2.44' })
  })
})
