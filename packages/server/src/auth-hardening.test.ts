import { createHmac } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import {
  A_PASSWORD,
  adminCliCtx,
  anEmail,
  aVerifiedUser,
  testWorldForSuite,
} from '@kloset/core/testing'
import { WebSocket } from 'ws'
import { checkedFetch } from './test-support/checked-fetch.js'
import { serverForSuite } from './test-support/suite.js'

const world = testWorldForSuite()
const server = serverForSuite(world)

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
  (await checkedFetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }))
    .status

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

/** Posts JSON to the real server as a client at `ip` (the host trusts X-Forwarded-For from loopback). */
async function post(path: string, body: unknown, ip: string) {
  const res = await checkedFetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text }
}

const signIn = (email: string, ip: string, password = A_PASSWORD) =>
  post('/api/v1/auth/login', { email, password }, ip)

/** Five wrong passwords from each of `addresses`; returns every status seen. */
async function guess(email: string, addresses: string[]) {
  const statuses: number[] = []
  for (const ip of addresses) {
    for (let i = 0; i < 5; i++) statuses.push((await signIn(email, ip, 'a wrong guess 123')).status)
  }
  return statuses
}

async function resetPassword(email: string, password: string) {
  expect((await post('/api/v1/auth/forgot-password', { email }, '192.0.2.200')).status).toBe(202)
  const mail = await world.smtp.waitFor(email, /Reset your/)
  const token = new URL(mail.links[0]!).searchParams.get('token')!
  expect(
    (await post('/api/v1/auth/reset-password', { token, password }, '192.0.2.200')).status,
  ).toBe(204)
}

const attackers = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4', '198.51.100.5']

describe('sign-in throttling', () => {
  it('stops one address after five wrong passwords for an account, with Retry-After', async () => {
    const { email } = await aVerifiedUser(world)
    const statuses = await guess(email, ['198.51.100.60'])
    expect(statuses).toEqual([401, 401, 401, 401, 401])
    const sixth = await signIn(email, '198.51.100.60')
    expect(sixth.status).toBe(429)
    expect(Number(sixth.retryAfter)).toBeGreaterThan(0)
    expect(JSON.parse(sixth.body).error.code).toBe('rate_limited')
  })

  it('lets the owner in from an address they signed in from while five others guess', async () => {
    const { email } = await aVerifiedUser(world)
    expect((await signIn(email, '203.0.113.10')).status).toBe(200)
    const statuses = await guess(email, attackers)
    // After ten failures, addresses new to the account are slowed to one attempt a minute.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0)
    const slowed = await signIn(email, '198.51.100.77', 'another wrong guess')
    expect(slowed.status).toBe(429)
    expect(Number(slowed.retryAfter)).toBeGreaterThan(0)
    expect((await signIn(email, '203.0.113.10')).status).toBe(200)
  })

  it('slows a new address of the owner, and a password reset clears every limit of the account', async () => {
    const { email } = await aVerifiedUser(world)
    await guess(email, [...attackers, '203.0.113.20'])
    expect((await signIn(email, '203.0.113.20')).status).toBe(429)
    expect((await signIn(email, '203.0.113.21')).status).toBe(429)

    await resetPassword(email, 'a brand new passphrase 42')

    expect((await signIn(email, '203.0.113.20', 'a brand new passphrase 42')).status).toBe(200)
    expect((await signIn(email, '203.0.113.21', 'a brand new passphrase 42')).status).toBe(200)
  })

  it('stops one address after fifty attempts across accounts', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 51; i++) {
      statuses.push(
        (await signIn(`nobody${i}@example.test`, '198.51.100.99', 'x guess 12345')).status,
      )
    }
    expect(statuses.slice(0, 50).every((s) => s === 401)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
  })
})

describe('forgot-password', () => {
  it('answers a known and an unknown address identically, and the known one gets its mail', async () => {
    const { email } = await aVerifiedUser(world)
    const stranger = anEmail('stranger')
    const unknown = await post('/api/v1/auth/forgot-password', { email: stranger }, '192.0.2.31')
    const known = await post('/api/v1/auth/forgot-password', { email }, '192.0.2.31')
    expect(known).toEqual(unknown)
    expect([known.status, JSON.parse(known.body)]).toEqual([202, { status: 'accepted' }])
    const mail = await world.smtp.waitFor(email, /Reset your/)
    expect(mail.links[0]).toMatch(/\/reset-password\?token=/)
    expect(world.smtp.to(stranger)).toHaveLength(0)
  })

  it('retries a mail the SMTP server refused, and delivers it once', async () => {
    const { email } = await aVerifiedUser(world)
    const outbox = world.core.connection.collection('mail_outbox')
    world.smtp.refuseNext(1)
    expect((await post('/api/v1/auth/forgot-password', { email }, '192.0.2.32')).status).toBe(202)

    let queued: Record<string, unknown> | null = null
    for (let i = 0; i < 250 && !queued?.lastError; i++) {
      queued = await outbox.findOne({ to: email })
      if (!queued?.lastError) await new Promise((r) => setTimeout(r, 20))
    }
    expect(queued).toMatchObject({ status: 'pending', attempts: 1 })
    expect(world.smtp.refused).toBe(1)
    expect(world.smtp.to(email).filter((m) => /Reset your/.test(m.subject))).toHaveLength(0)

    // Not due before its backoff (30 s) has passed; due after.
    expect(
      (await world.core.jobs.run(adminCliCtx(world.clock.now()), 'deliver-mail')).result,
    ).toEqual({ sent: 0 })
    world.clock.advance(31_000)
    expect(
      (await world.core.jobs.run(adminCliCtx(world.clock.now()), 'deliver-mail')).result,
    ).toEqual({ sent: 1 })
    await world.smtp.waitFor(email, /Reset your/)
    expect(world.smtp.to(email).filter((m) => /Reset your/.test(m.subject))).toHaveLength(1)
    expect(await outbox.countDocuments({ to: email })).toBe(0)
  })
})
