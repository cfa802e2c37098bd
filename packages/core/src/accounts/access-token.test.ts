import { describe, expect, it, jest } from '@jest/globals'
import jwt from 'jsonwebtoken'
import { AccessTokens } from './access-token.js'

const options = {
  secret: 's'.repeat(32),
  issuer: 'kloset',
  audience: 'kloset-api',
  ttlSeconds: 900,
}
const t0 = new Date('2026-12-07T12:00:00Z')
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)
const buyer = (sub: string) => ({ sub, role: 'buyer' as const, tv: 0 })
const A = '64b7f0c2a1b2c3d4e5f60718'
const B = '64b7f0c2a1b2c3d4e5f60719'

/** Counts the signature checks `run` makes (the library call the cache saves). */
function signatureChecks(run: () => void): number {
  const verify = jest.spyOn(jwt, 'verify')
  try {
    run()
    return verify.mock.calls.length
  } finally {
    verify.mockRestore()
  }
}

describe('AccessTokens', () => {
  it('checks the signature of a token once, then reuses the verified claims', () => {
    const tokens = new AccessTokens(options)
    const token = tokens.sign(buyer(A), t0)
    const checks = signatureChecks(() => {
      expect(tokens.verify(token, at(1))).toMatchObject({ sub: A, tv: 0 })
      expect(tokens.verify(token, at(2))).toMatchObject({ sub: A, tv: 0 })
    })
    expect(checks).toBe(1)
  })

  it('refuses a token it verified before once it has expired', () => {
    const tokens = new AccessTokens(options)
    const token = tokens.sign(buyer(A), t0)
    tokens.verify(token, at(1))
    expect(() => tokens.verify(token, at(900))).toThrow('Invalid or expired access token')
  })

  it('refuses an altered copy of a token it verified', () => {
    const tokens = new AccessTokens(options)
    const token = tokens.sign(buyer(A), t0)
    tokens.verify(token, at(1))
    const [head, body, signature] = token.split('.')
    const forged = `${head}.${body}.${signature!.slice(0, -2)}AA`
    expect(() => tokens.verify(forged, at(1))).toThrow('Invalid or expired access token')
  })

  it('keeps only the most recently used tokens', () => {
    const tokens = new AccessTokens(options, 1)
    const a = tokens.sign(buyer(A), t0)
    const b = tokens.sign(buyer(B), t0)
    const checks = signatureChecks(() => {
      tokens.verify(a, at(1))
      tokens.verify(b, at(1))
      tokens.verify(a, at(1))
    })
    expect(checks).toBe(3)
  })
})
