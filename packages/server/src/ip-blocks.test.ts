import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { IP_BLOCK_REFRESH_MS } from '@kloset/core'
import { adminCliCtx, anAdminToken, anotherProcess, aVerifiedUser } from '@kloset/core/testing'
import { type RunningServer, startServer } from './server.js'
import { checkedFetch } from './test-support/checked-fetch.js'
import { testApiForSuite } from './test-support/suite.js'
import { connect } from './test-support/ws-client.js'

let admin: string
const { world, http } = testApiForSuite()
beforeAll(async () => {
  admin = await anAdminToken(world)
})

const block = (body: unknown) =>
  http.call<{ block: { id: string; cidr: string } }>('POST', '/api/v1/admin/ip-blocks', {
    token: admin,
    body,
    ip: '192.0.2.200',
  })
const products = (ip: string) => http.call('GET', '/api/v1/products', { ip })

describe('IP and CIDR blocks over the admin routes', () => {
  it('refuses every request from a blocked IPv4 range with 403, and nobody else', async () => {
    const made = await block({ cidr: '203.0.113.77/24', reason: 'credential stuffing' })
    expect(made.status).toBe(201)
    expect(made.body.block.cidr).toBe('203.0.113.0/24')
    const refused = await products('203.0.113.9')
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({ error: { code: 'ip_blocked' } })
    expect((await products('::ffff:203.0.113.10')).status).toBe(403)
    expect((await products('203.0.114.1')).status).toBe(200)
  })

  it('blocks an IPv6 range', async () => {
    expect((await block({ cidr: '2001:db8:abcd::/48', reason: 'scraping' })).status).toBe(201)
    expect((await products('2001:db8:abcd:12::1')).status).toBe(403)
    expect((await products('2001:db8:abce::1')).status).toBe(200)
  })

  it('lets a block lapse at its expiry', async () => {
    await block({ cidr: '198.51.100.7', reason: 'cool off', expiresInMinutes: 10 })
    expect((await products('198.51.100.7')).status).toBe(403)
    world.clock.advance(10 * 60_000 + 1)
    expect((await products('198.51.100.7')).status).toBe(200)
  })

  it('lifts a block, lists what is in force, and writes both to the audit log', async () => {
    const made = await block({ cidr: '192.0.2.64/26', reason: 'test range' })
    const listed = await http.call<{ items: { cidr: string }[] }>(
      'GET',
      '/api/v1/admin/ip-blocks',
      {
        token: admin,
        ip: '192.0.2.200',
      },
    )
    expect(listed.body.items.map((b) => b.cidr)).toContain('192.0.2.64/26')
    expect((await products('192.0.2.65')).status).toBe(403)
    const lifted = await http.call('DELETE', `/api/v1/admin/ip-blocks/${made.body.block.id}`, {
      token: admin,
      ip: '192.0.2.200',
    })
    expect(lifted.status).toBe(200)
    expect((await products('192.0.2.65')).status).toBe(200)
    const audit = await world.core.audit.list(adminCliCtx(), {
      limit: 50,
      targetType: 'ip',
      targetId: '192.0.2.64/26',
    })
    expect(audit.items.map((e) => e.action).sort()).toEqual(['ip.blocked', 'ip.unblocked'])
    expect(audit.items.find((e) => e.action === 'ip.blocked')?.reason).toBe('test range')
  })

  it('refuses a malformed range or a duplicate, and changes nothing', async () => {
    const before = await world.core.ipBlocks.list(adminCliCtx())
    for (const cidr of [
      '300.1.1.1',
      '10.0.0.0/33',
      '2001:db8::/129',
      'example.com',
      '10.0.0.0/8/1',
    ]) {
      const answer = await block({ cidr, reason: 'bad input' })
      expect(answer.status).toBe(400)
      expect(answer.body).toMatchObject({ error: { code: 'validation_failed' } })
    }
    expect((await block({ cidr: '203.0.113.0/24', reason: 'again' })).status).toBe(409)
    expect((await block({ cidr: '10.9.0.0/16', reason: 'x', extra: 1 })).status).toBe(400)
    expect((await world.core.ipBlocks.list(adminCliCtx())).items).toEqual(before.items)
  })

  it('is for administrators only', async () => {
    const buyer = (await aVerifiedUser(world)).session.accessToken
    const answer = await http.call('POST', '/api/v1/admin/ip-blocks', {
      token: buyer,
      body: { cidr: '10.1.0.0/16', reason: 'not mine to block' },
    })
    expect(answer.status).toBe(403)
  })

  it('reaches another instance within the refresh interval', async () => {
    const other = await anotherProcess(world)
    try {
      expect(await other.core.ipBlocks.isBlocked('100.64.0.1')).toBe(false)
      await world.core.ipBlocks.block(adminCliCtx(world.clock.now()), {
        cidr: '100.64.0.0/10',
        reason: 'set by the CLI',
      })
      world.clock.advance(IP_BLOCK_REFRESH_MS)
      expect(await other.core.ipBlocks.isBlocked('100.64.0.1')).toBe(true)
    } finally {
      await other.close()
    }
  })
})

describe('TRUST_PROXY and blocks on the real server', () => {
  let server: RunningServer
  afterAll(() => server?.close(0))

  const fromProxy = (forwarded: string) =>
    checkedFetch(`${server.url}/api/v1/products`, { headers: { 'x-forwarded-for': forwarded } })

  it('believes X-Forwarded-For from a trusted hop, and blocks by the address it names', async () => {
    await world.core.ipBlocks.block(adminCliCtx(world.clock.now()), {
      cidr: '203.0.113.200',
      reason: 'behind the proxy',
    })
    server = await startServer(world.core, { port: 0, host: '127.0.0.1', trustProxy: 1 })
    expect((await fromProxy('203.0.113.200')).status).toBe(403)
    // Only the last hop is trusted: an address the client wrote further left is not believed.
    expect((await fromProxy('203.0.113.200, 198.18.0.1')).status).toBe(200)
    await server.close(0)
  })

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    server = await startServer(world.core, { port: 0, host: '127.0.0.1', trustProxy: 0 })
    expect((await fromProxy('203.0.113.200')).status).toBe(200)
    await server.close(0)
  })

  it('refuses a WebSocket upgrade from a blocked address', async () => {
    server = await startServer(world.core, { port: 0, host: '127.0.0.1', trustProxy: 1 })
    const token = (await aVerifiedUser(world)).session.accessToken
    const wsUrl = `${server.url.replace('http', 'ws')}/ws`
    const blocked = connect(wsUrl, ['bearer', token], {
      headers: { 'x-forwarded-for': '203.0.113.200' },
    })
    await expect(blocked.opened).rejects.toThrow('HTTP 403')
    const allowed = connect(wsUrl, ['bearer', token], {
      headers: { 'x-forwarded-for': '198.18.0.9' },
    })
    await allowed.opened
    allowed.socket.close()
  })
})
