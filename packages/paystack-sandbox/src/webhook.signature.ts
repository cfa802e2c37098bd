import { createHmac, timingSafeEqual } from 'node:crypto'

/** Hex HMAC-SHA512 of the exact body bytes, keyed with the secret key: Paystack's signature. */
export function signPayload(secretKey: string, rawBody: string | Uint8Array): string {
  return createHmac('sha512', secretKey).update(rawBody).digest('hex')
}

/** Checks an `x-paystack-signature` against the raw body in constant time. */
export function verifySignature(
  secretKey: string,
  rawBody: string | Uint8Array,
  signature: string | null | undefined,
): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-f]+$/i.test(signature)) return false
  const expected = Buffer.from(signPayload(secretKey, rawBody), 'hex')
  const given = Buffer.from(signature, 'hex')
  // timingSafeEqual throws on a length mismatch; a wrong length is simply a wrong signature.
  return given.length === expected.length && timingSafeEqual(given, expected)
}
