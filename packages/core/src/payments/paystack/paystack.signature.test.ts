import { createHmac } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import { signPaystackPayload, verifyPaystackSignature } from './paystack.signature.js'

const secretKey = 'sk_test_0123456789abcdef0123456789abcdef01234567'
const body = Buffer.from(
  '{"event":"charge.success","data":{"id":1,"reference":"ord-1","amount":500000}}',
)

describe('verifyPaystackSignature', () => {
  it('accepts the hex HMAC-SHA512 of the exact body keyed with the secret key', () => {
    const signature = createHmac('sha512', secretKey).update(body).digest('hex')
    expect(signPaystackPayload(secretKey, body)).toBe(signature)
    expect(verifyPaystackSignature(secretKey, body, signature)).toBe(true)
  })

  it('refuses a body changed by one byte', () => {
    const signature = signPaystackPayload(secretKey, body)
    const changed = Buffer.from(body)
    changed[changed.length - 3] = 0x31 // amount 500000 becomes 500010
    expect(verifyPaystackSignature(secretKey, changed, signature)).toBe(false)
  })

  it('refuses a signature made with another key', () => {
    const signature = signPaystackPayload('sk_test_another', body)
    expect(verifyPaystackSignature(secretKey, body, signature)).toBe(false)
  })

  it('refuses a missing signature', () => {
    expect(verifyPaystackSignature(secretKey, body, null)).toBe(false)
    expect(verifyPaystackSignature(secretKey, body, undefined)).toBe(false)
    expect(verifyPaystackSignature(secretKey, body, '')).toBe(false)
  })

  it('refuses a signature of the wrong length without throwing', () => {
    const signature = signPaystackPayload(secretKey, body)
    expect(verifyPaystackSignature(secretKey, body, signature.slice(0, 127))).toBe(false)
    expect(verifyPaystackSignature(secretKey, body, `${signature}00`)).toBe(false)
  })

  it('refuses a signature that is not hex', () => {
    const signature = signPaystackPayload(secretKey, body)
    expect(verifyPaystackSignature(secretKey, body, `${signature.slice(0, 127)}z`)).toBe(false)
  })
})
