import { createHmac } from 'node:crypto'
import { signPayload, verifySignature } from './webhook.signature.js'

const SECRET = 'sk_test_signature'
const BODY = '{"event":"charge.success","data":{"reference":"ref-1","amount":500000}}'

describe('webhook signatures', () => {
  it('signs with the hex HMAC-SHA512 of the raw body keyed by the secret key', () => {
    const expected = createHmac('sha512', SECRET).update(BODY).digest('hex')
    expect(signPayload(SECRET, BODY)).toBe(expected)
    expect(signPayload(SECRET, BODY)).toMatch(/^[0-9a-f]{128}$/)
  })

  it('accepts the signature of the exact bytes, as a string or a buffer', () => {
    const signature = signPayload(SECRET, BODY)
    expect(verifySignature(SECRET, BODY, signature)).toBe(true)
    expect(verifySignature(SECRET, Buffer.from(BODY), signature.toUpperCase())).toBe(true)
  })

  it('refuses a body changed by one byte', () => {
    const signature = signPayload(SECRET, BODY)
    const tampered = BODY.replace('500000', '500001')
    expect(tampered).toHaveLength(BODY.length)
    expect(verifySignature(SECRET, tampered, signature)).toBe(false)
  })

  it('refuses a signature made with another key', () => {
    expect(verifySignature(SECRET, BODY, signPayload('sk_test_other', BODY))).toBe(false)
  })

  it('refuses missing, truncated and non-hex signatures without throwing', () => {
    const signature = signPayload(SECRET, BODY)
    expect(verifySignature(SECRET, BODY, undefined)).toBe(false)
    expect(verifySignature(SECRET, BODY, '')).toBe(false)
    expect(verifySignature(SECRET, BODY, signature.slice(0, 64))).toBe(false)
    expect(verifySignature(SECRET, BODY, `zz${signature.slice(2)}`)).toBe(false)
  })
})
