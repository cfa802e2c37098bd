import { describe, expect, it } from '@jest/globals'
import { A_PASSWORD, anEmail, aVerifiedUser } from '@kloset/core/testing'
import { testApiForSuite } from '../test-support/suite.js'

const { world, http } = testApiForSuite()

type ErrorBody = {
  error: { code: string; message: string; requestId: string; details?: Record<string, string> }
}
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!

async function signUp(email = anEmail(), role: 'buyer' | 'seller' = 'buyer') {
  const res = await http.call('POST', '/api/v1/auth/signup', {
    body: { email, password: A_PASSWORD, name: 'Chidi', role },
  })
  return { res, email }
}

async function signUpAndVerify(role: 'buyer' | 'seller' = 'buyer') {
  const { email } = await signUp(anEmail(), role)
  const mail = await world.smtp.waitFor(email, /Confirm/)
  const verified = await http.call('POST', '/api/v1/auth/verify-email', {
    body: { token: tokenOf(mail.links[0]!) },
  })
  expect(verified.status).toBe(200)
  return email
}

async function login(email: string, password = A_PASSWORD, ip = '127.0.0.1') {
  return http.call<{ accessToken: string; refreshToken: string; expiresIn: number }>(
    'POST',
    '/api/v1/auth/login',
    {
      body: { email, password },
      ip,
    },
  )
}

describe('POST /api/v1/auth/signup', () => {
  it('answers 202 verification_sent and emails a link under PUBLIC_URL', async () => {
    const { res, email } = await signUp()
    expect(res.status).toBe(202)
    expect(res.body).toEqual({ status: 'verification_sent' })
    const mail = await world.smtp.waitFor(email, /Confirm/)
    expect(mail.links[0]).toMatch(/^http:\/\/localhost:8080\/verify-email\?token=[\w-]{40,}$/)
  })

  it('answers a taken email exactly like a new one', async () => {
    const email = await signUpAndVerify()
    const again = await signUp(email)
    const fresh = await signUp()
    expect([again.res.status, again.res.body]).toEqual([fresh.res.status, fresh.res.body])
  })

  it('refuses an admin role with 400', async () => {
    const res = await http.call<ErrorBody>('POST', '/api/v1/auth/signup', {
      body: { email: anEmail(), password: A_PASSWORD, name: 'Eve', role: 'admin' },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details).toHaveProperty('role')
  })

  it('refuses a short password with 400 naming the field', async () => {
    const res = await http.call<ErrorBody>('POST', '/api/v1/auth/signup', {
      body: { email: anEmail(), password: 'short', name: 'Eve', role: 'buyer' },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('validation_failed')
    expect(res.body.error.details?.password).toMatch(/10/)
  })

  it('refuses unknown fields (no mass assignment of status or role)', async () => {
    const res = await http.call<ErrorBody>('POST', '/api/v1/auth/signup', {
      body: {
        email: anEmail(),
        password: A_PASSWORD,
        name: 'Eve',
        role: 'buyer',
        status: 'active',
      },
    })
    expect(res.status).toBe(400)
  })

  it('refuses a body that is not JSON', async () => {
    const res = await http.call<ErrorBody>('POST', '/api/v1/auth/signup', {
      raw: { bytes: '{"email":', contentType: 'application/json' },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_json')
  })
})

describe('POST /api/v1/auth/verify-email', () => {
  it('works once', async () => {
    const { email } = await signUp()
    const token = tokenOf((await world.smtp.waitFor(email, /Confirm/)).links[0]!)
    const first = await http.call<{ user: { emailVerified: boolean } }>(
      'POST',
      '/api/v1/auth/verify-email',
      {
        body: { token },
      },
    )
    expect(first.body.user.emailVerified).toBe(true)
    const second = await http.call<ErrorBody>('POST', '/api/v1/auth/verify-email', {
      body: { token },
    })
    expect(second.status).toBe(400)
    expect(second.body.error.code).toBe('invalid_token')
  })
})

describe('POST /api/v1/auth/resend-verification', () => {
  it('answers 202 for known and unknown emails alike', async () => {
    const { email } = await signUp()
    const known = await http.call('POST', '/api/v1/auth/resend-verification', { body: { email } })
    const unknown = await http.call('POST', '/api/v1/auth/resend-verification', {
      body: { email: anEmail() },
    })
    expect([known.status, known.body]).toEqual([202, { status: 'accepted' }])
    expect([unknown.status, unknown.body]).toEqual([202, { status: 'accepted' }])
    // Mail leaves in the background: wait for the second link before counting.
    for (let i = 0; i < 250 && world.smtp.to(email).length < 2; i++)
      await new Promise((r) => setTimeout(r, 20))
    expect(world.smtp.to(email).length).toBe(2)
  })

  it('limits requests per address with 429 and Retry-After', async () => {
    const email = anEmail()
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 5; i++) {
      const res = await http.call('POST', '/api/v1/auth/resend-verification', { body: { email } })
      statuses.push(res.status)
      retryAfter ??= res.headers.get('retry-after')
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
  })
})

describe('POST /api/v1/auth/login', () => {
  it('returns tokens and the user', async () => {
    const email = await signUpAndVerify()
    const res = await login(email)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ expiresIn: 900, user: { email, role: 'buyer' } })
    expect(res.body.accessToken.split('.')).toHaveLength(3)
  })

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const email = await signUpAndVerify()
    const wrong = await login(email, 'not the password at all')
    const unknown = await login(anEmail(), 'not the password at all')
    expect(wrong.status).toBe(401)
    const strip = (body: unknown) => ({ ...(body as ErrorBody).error, requestId: undefined })
    expect(strip(wrong.body)).toEqual(strip(unknown.body))
    expect((wrong.body as unknown as ErrorBody).error.code).toBe('invalid_credentials')
  })

  it('answers 403 email_not_verified before verification', async () => {
    const { email } = await signUp()
    const res = await login(email)
    expect(res.status).toBe(403)
    expect((res.body as unknown as ErrorBody).error.code).toBe('email_not_verified')
  })

  it('slows an account guessed at from many addresses to one attempt a minute from new ones', async () => {
    const email = await signUpAndVerify()
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 12; i++) {
      const res = await login(email, 'wrong password, again', `10.9.0.${i}`)
      statuses.push(res.status)
      if (res.status === 429) retryAfter = res.headers.get('retry-after')
    }
    // Ten failures, then the eleventh address gets the minute's one attempt, the twelfth waits.
    expect(statuses).toEqual([...Array(11).fill(401), 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
    expect(Number(retryAfter)).toBeLessThanOrEqual(60)
  })

  it('throttles an address across accounts', async () => {
    const ip = '10.77.0.1'
    let last = 0
    for (let i = 0; i < 51; i++) last = (await login(anEmail(), 'wrong password, again', ip)).status
    expect(last).toBe(429)
  })
})

describe('operator injection', () => {
  it.each([
    ['/api/v1/auth/login', { email: { $ne: null }, password: { $ne: '' } }],
    ['/api/v1/auth/forgot-password', { email: { $gt: '' } }],
    ['/api/v1/auth/resend-verification', { email: { $regex: '.*' } }],
    ['/api/v1/auth/verify-email', { token: { $ne: '' } }],
    ['/api/v1/auth/reset-password', { token: { $ne: '' }, password: A_PASSWORD }],
    ['/api/v1/auth/refresh', { refreshToken: { $ne: '' } }],
  ])('is a 400 validation error on %s', async (path, body) => {
    const res = await http.call<ErrorBody>('POST', path, { body })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('validation_failed')
  })
})

describe('refresh and logout', () => {
  it('rotates, and reusing a spent token revokes the family for both holders', async () => {
    const email = await signUpAndVerify()
    const first = await login(email)
    const second = await http.call<{ refreshToken: string }>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    })
    expect(second.status).toBe(200)
    const replay = await http.call<ErrorBody>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    })
    expect(replay.status).toBe(401)
    const rightful = await http.call<ErrorBody>('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: second.body.refreshToken },
    })
    expect(rightful.status).toBe(401)
  })

  it('logout answers 204 and spends the family', async () => {
    const email = await signUpAndVerify()
    const session = await login(email)
    const out = await http.call('POST', '/api/v1/auth/logout', {
      body: { refreshToken: session.body.refreshToken },
    })
    expect(out.status).toBe(204)
    const after = await http.call('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: session.body.refreshToken },
    })
    expect(after.status).toBe(401)
  })
})

describe('forgot and reset password', () => {
  it('answers 202 for unknown emails and sends nothing', async () => {
    const email = anEmail()
    const res = await http.call('POST', '/api/v1/auth/forgot-password', { body: { email } })
    expect([res.status, res.body]).toEqual([202, { status: 'accepted' }])
    expect(world.smtp.to(email)).toHaveLength(0)
  })

  it('resets with the emailed token and revokes older access tokens', async () => {
    const email = await signUpAndVerify()
    const session = await login(email)
    await http.call('POST', '/api/v1/auth/forgot-password', { body: { email } })
    const token = tokenOf((await world.smtp.waitFor(email, /Reset/)).links[0]!)
    const reset = await http.call('POST', '/api/v1/auth/reset-password', {
      body: { token, password: 'an entirely new passphrase' },
    })
    expect(reset.status).toBe(204)
    expect((await http.call('GET', '/api/v1/me', { token: session.body.accessToken })).status).toBe(
      401,
    )
    expect((await login(email, 'an entirely new passphrase')).status).toBe(200)
    const reuse = await http.call('POST', '/api/v1/auth/reset-password', {
      body: { token, password: 'yet another passphrase' },
    })
    expect(reuse.status).toBe(400)
  })
})

describe('GET and PATCH /api/v1/me', () => {
  it('returns the signed-in user', async () => {
    const { session, email } = await aVerifiedUser(world, 'seller')
    const res = await http.call<{ user: { email: string; role: string } }>('GET', '/api/v1/me', {
      token: session.accessToken,
    })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ email, role: 'seller' })
  })

  it('answers 401 without a token, with a garbage token and with a malformed header', async () => {
    expect((await http.call('GET', '/api/v1/me')).status).toBe(401)
    expect((await http.call('GET', '/api/v1/me', { token: 'not.a.jwt' })).status).toBe(401)
    expect(
      (await http.call('GET', '/api/v1/me', { headers: { authorization: 'Basic abc' } })).status,
    ).toBe(401)
  })

  it('changes the name and nothing else', async () => {
    const { session } = await aVerifiedUser(world)
    const ok = await http.call<{ user: { name: string } }>('PATCH', '/api/v1/me', {
      token: session.accessToken,
      body: { name: 'Amaka Obi' },
    })
    expect(ok.body.user.name).toBe('Amaka Obi')
    for (const body of [
      { role: 'admin' },
      { name: 'x', email: 'evil@example.test' },
      { status: 'active' },
    ]) {
      const res = await http.call('PATCH', '/api/v1/me', { token: session.accessToken, body })
      expect(res.status).toBe(400)
    }
    const me = await http.call<{ user: { role: string } }>('GET', '/api/v1/me', {
      token: session.accessToken,
    })
    expect(me.body.user.role).toBe('buyer')
  })
})

describe('errors', () => {
  it('carry the request id given by the client', async () => {
    const res = await http.call<ErrorBody>('GET', '/api/v1/me', {
      headers: { 'x-request-id': 'trace-123' },
    })
    expect(res.body.error.requestId).toBe('trace-123')
    expect(res.headers.get('x-request-id')).toBe('trace-123')
  })

  it('answer unknown routes with 404 and wrong methods with 405', async () => {
    expect((await http.call('GET', '/api/v1/nowhere')).status).toBe(404)
    expect((await http.call('DELETE', '/api/v1/auth/login')).status).toBe(405)
  })
})
