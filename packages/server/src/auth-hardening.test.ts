import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { aVerifiedUser, createTestWorld, type TestWorld } from '@kloset/core/testing'
import { WebSocket } from 'ws'
import { type RunningServer, startServer } from './server.js'

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

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A JWT signed with the server's own key (or none), with the claims and algorithm given. */
function forge(claims: Record<string, unknown>, alg: 'HS256' | 'HS512' | 'none' = 'HS256') {
  const unsigned = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`
  if (alg === 'none') return `${unsigned}.`
  const hmac = createHmac(alg === 'HS256' ? 'sha256' : 'sha512', world.config.jwtSecret)
  return `${unsigned}.${hmac.update(unsigned).digest('base64url')}`
}

async function claimsFor(role: 'buyer' | 'seller' = 'buyer') {
  const { user } = await aVerifiedUser(world, role)
  const iat = Math.floor(world.clock.now().getTime() / 1000)
  return {
    sub: user.id,
    role,
    tv: 0,
    iss: world.config.jwtIssuer,
    aud: world.config.jwtAudience,
    iat,
    exp: iat + 600,
  }
}

const meStatus = async (token: string) =>
  (await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function upgradeStatus(token: string): Promise<number> {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, ['bearer', token])
  return new Promise((done, fail) => {
    socket.once('open', () => {
      socket.close()
      done(101)
    })
    socket.once('unexpected-response', (_req, res) => done(res.statusCode ?? 0))
    socket.once('error', fail)
  })
}

describe('access tokens signed with our key', () => {
  it('accepts a well-formed token on HTTP and WebSocket (the control case)', async () => {
    const token = forge(await claimsFor())
    expect(await meStatus(token)).toBe(200)
    expect(await upgradeStatus(token)).toBe(101)
  })

  it('refuses a token without exp with 401 on HTTP and WebSocket', async () => {
    const { exp: _exp, ...claims } = await claimsFor()
    const token = forge(claims)
    expect(await meStatus(token)).toBe(401)
    expect(await upgradeStatus(token)).toBe(401)
  })

  it('refuses a token without iat with 401', async () => {
    const { iat: _iat, ...claims } = await claimsFor()
    expect(await meStatus(forge(claims))).toBe(401)
  })

  it('refuses a token whose lifetime is longer than the access token TTL', async () => {
    const claims = await claimsFor()
    const token = forge({ ...claims, exp: claims.iat + 365 * 24 * 3600 })
    expect(await meStatus(token)).toBe(401)
    expect(await upgradeStatus(token)).toBe(401)
  })

  it('refuses alg none with 401 on HTTP and WebSocket', async () => {
    const token = forge(await claimsFor(), 'none')
    expect(await meStatus(token)).toBe(401)
    expect(await upgradeStatus(token)).toBe(401)
  })

  it('refuses HS512 with the right key (only HS256 is accepted)', async () => {
    const token = forge(await claimsFor(), 'HS512')
    expect(await meStatus(token)).toBe(401)
    expect(await upgradeStatus(token)).toBe(401)
  })
})
