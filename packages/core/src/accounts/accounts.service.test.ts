import { describe, expect, it } from '@jest/globals'
import { hash } from '@node-rs/argon2'
import {
  A_PASSWORD,
  adminCliCtx,
  anEmail,
  anonCtx,
  aVerifiedUser,
  userCtx,
} from '../test-support/harness.js'
import { testWorldForSuite } from '../test-support/suite.js'

const world = testWorldForSuite()

const tokenFrom = (link: string) => new URL(link).searchParams.get('token')!

describe('sign-up and verification', () => {
  it('sends a verification link that works once', async () => {
    const email = anEmail()
    await world.core.accounts.signup(anonCtx(), {
      email,
      password: A_PASSWORD,
      name: 'Ngozi',
      role: 'buyer',
    })
    const mail = await world.smtp.waitFor(email, /Confirm/)
    const link = mail.links.find((l) => l.startsWith('http://localhost:8080/verify-email?token='))!
    expect(link).toBeDefined()
    const user = await world.core.accounts.verifyEmail(anonCtx(), { token: tokenFrom(link) })
    expect(user).toMatchObject({ email, status: 'active', emailVerified: true })
    await expect(
      world.core.accounts.verifyEmail(anonCtx(), { token: tokenFrom(link) }),
    ).rejects.toMatchObject({
      code: 'invalid_token',
    })
  })

  it('answers a sign-up for a taken email the same way and warns the owner', async () => {
    const { email } = await aVerifiedUser(world)
    const result = await world.core.accounts.signup(anonCtx(), {
      email,
      password: 'another password entirely',
      name: 'Impostor',
      role: 'seller',
    })
    expect(result).toEqual({ status: 'verification_sent' })
    await world.smtp.waitFor(email, /tried to sign up/)
  })

  it('refuses a password from the common list', async () => {
    await expect(
      world.core.accounts.signup(anonCtx(), {
        email: anEmail(),
        password: 'password123',
        name: 'X',
        role: 'buyer',
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
  })

  it('refuses an expired verification link', async () => {
    const email = anEmail()
    await world.core.accounts.signup(anonCtx(), {
      email,
      password: A_PASSWORD,
      name: 'Late',
      role: 'buyer',
    })
    const mail = await world.smtp.waitFor(email, /Confirm/)
    const later = new Date(Date.now() + 25 * 3600 * 1000)
    await expect(
      world.core.accounts.verifyEmail(anonCtx(later), { token: tokenFrom(mail.links[0]!) }),
    ).rejects.toMatchObject({ code: 'invalid_token' })
  })
})

describe('sign-in', () => {
  it('refuses an unverified account with email_not_verified', async () => {
    const email = anEmail()
    await world.core.accounts.signup(anonCtx(), {
      email,
      password: A_PASSWORD,
      name: 'New',
      role: 'buyer',
    })
    await expect(
      world.core.accounts.login(anonCtx(), { email, password: A_PASSWORD }),
    ).rejects.toMatchObject({
      code: 'email_not_verified',
    })
  })

  it('gives the same error for an unknown email and a wrong password', async () => {
    const { email } = await aVerifiedUser(world)
    const wrong = await world.core.accounts
      .login(anonCtx(), { email, password: 'wrong password!' })
      .catch((e) => e)
    const unknown = await world.core.accounts
      .login(anonCtx(), { email: anEmail(), password: 'wrong password!' })
      .catch((e) => e)
    expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message])
    expect(wrong.code).toBe('invalid_credentials')
  })

  it('issues an access token that authenticates the user', async () => {
    const { session, user } = await aVerifiedUser(world, 'seller')
    const principal = await world.core.accounts.authenticate(session.accessToken)
    expect(principal.actor).toEqual({ kind: 'user', id: user.id, role: 'seller' })
  })

  it('stops an access token after fifteen minutes', async () => {
    const { session } = await aVerifiedUser(world)
    await expect(
      world.core.accounts.authenticate(session.accessToken, new Date(Date.now() + 16 * 60_000)),
    ).rejects.toMatchObject({ code: 'invalid_token' })
  })
})

describe('refresh tokens', () => {
  it('rotates: the new pair works and the old refresh token is spent', async () => {
    const { session } = await aVerifiedUser(world)
    const next = await world.core.accounts.refresh(anonCtx(), {
      refreshToken: session.refreshToken,
    })
    expect(next.refreshToken).not.toBe(session.refreshToken)
    await world.core.accounts.authenticate(next.accessToken)
  })

  it('revokes the whole family when a spent token is reused', async () => {
    const { session } = await aVerifiedUser(world)
    const rightful = await world.core.accounts.refresh(anonCtx(), {
      refreshToken: session.refreshToken,
    })
    await expect(
      world.core.accounts.refresh(anonCtx(), { refreshToken: session.refreshToken }),
    ).rejects.toMatchObject({ code: 'invalid_refresh_token' })
    await expect(
      world.core.accounts.refresh(anonCtx(), { refreshToken: rightful.refreshToken }),
    ).rejects.toMatchObject({ code: 'invalid_refresh_token' })
  })

  it('logout revokes the family', async () => {
    const { session } = await aVerifiedUser(world)
    await world.core.accounts.logout(anonCtx(), { refreshToken: session.refreshToken })
    await expect(
      world.core.accounts.refresh(anonCtx(), { refreshToken: session.refreshToken }),
    ).rejects.toMatchObject({ code: 'invalid_refresh_token' })
  })
})

describe('password reset', () => {
  it('sets the new password and revokes older access and refresh tokens', async () => {
    const { session, email } = await aVerifiedUser(world)
    await world.core.accounts.forgotPassword(anonCtx(), { email })
    const mail = await world.smtp.waitFor(email, /Reset/)
    const link = mail.links.find((l) => l.includes('/reset-password?token='))!
    await world.core.accounts.resetPassword(anonCtx(), {
      token: tokenFrom(link),
      password: 'a brand new passphrase',
    })

    await expect(world.core.accounts.authenticate(session.accessToken)).rejects.toMatchObject({
      code: 'invalid_token',
    })
    await expect(
      world.core.accounts.refresh(anonCtx(), { refreshToken: session.refreshToken }),
    ).rejects.toMatchObject({ code: 'invalid_refresh_token' })
    const fresh = await world.core.accounts.login(anonCtx(), {
      email,
      password: 'a brand new passphrase',
    })
    expect(fresh.user.email).toBe(email)
  })
})

describe('suspension', () => {
  it('blocks sign-in and old tokens at once, and reinstating restores sign-in', async () => {
    const { session, email, user } = await aVerifiedUser(world)
    // Authenticated once, so the user is in this process's recent-users cache.
    await world.core.accounts.authenticate(session.accessToken)
    await world.core.users.suspend(adminCliCtx(), user.id, { reason: 'chargeback fraud' })
    await expect(world.core.accounts.authenticate(session.accessToken)).rejects.toMatchObject({
      code: 'invalid_token',
    })
    await expect(
      world.core.accounts.login(anonCtx(), { email, password: A_PASSWORD }),
    ).rejects.toMatchObject({
      code: 'account_suspended',
    })
    await world.core.users.reinstate(adminCliCtx(), user.id)
    await world.core.accounts.login(anonCtx(), { email, password: A_PASSWORD })
  })

  it('is refused to a seller', async () => {
    const { user } = await aVerifiedUser(world, 'seller')
    await expect(
      world.core.users.suspend(userCtx(user.id, 'seller'), user.id, { reason: 'nope' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    })
  })
})

describe('password hash upgrades', () => {
  const storedHash = async (email: string) =>
    (await world.core.connection.collection('users').findOne({ email }))?.passwordHash as string

  it('re-hashes a weaker stored hash with the current cost on a successful sign-in', async () => {
    const { email } = await aVerifiedUser(world)
    // What an older deployment with a cheaper setting would have stored.
    const weak = await hash(A_PASSWORD, {
      algorithm: 2,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    })
    await world.core.connection
      .collection('users')
      .updateOne({ email }, { $set: { passwordHash: weak } })

    await world.core.accounts.login(anonCtx(), { email, password: A_PASSWORD })

    const { memoryCost, timeCost, parallelism } = world.config.auth.argon2
    const upgraded = await storedHash(email)
    expect(upgraded).not.toBe(weak)
    expect(upgraded).toMatch(
      new RegExp(`^\\$argon2id\\$v=19\\$m=${memoryCost},t=${timeCost},p=${parallelism}\\$`),
    )
    await expect(
      world.core.accounts.login(anonCtx(), { email, password: A_PASSWORD }),
    ).resolves.toHaveProperty('accessToken')
  })

  it('leaves a weaker hash alone when the password is wrong', async () => {
    const { email } = await aVerifiedUser(world)
    const weak = await hash(A_PASSWORD, {
      algorithm: 2,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    })
    await world.core.connection
      .collection('users')
      .updateOne({ email }, { $set: { passwordHash: weak } })
    await expect(
      world.core.accounts.login(anonCtx(), { email, password: 'not the password at all' }),
    ).rejects.toMatchObject({ code: 'invalid_credentials' })
    expect(await storedHash(email)).toBe(weak)
  })

  it('keeps a hash made with the current cost unchanged on sign-in', async () => {
    const { email } = await aVerifiedUser(world)
    const before = await storedHash(email)
    await world.core.accounts.login(anonCtx(), { email, password: A_PASSWORD })
    expect(await storedHash(email)).toBe(before)
  })
})
