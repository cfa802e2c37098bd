import { createHmac, timingSafeEqual } from 'node:crypto'

/** The header Paystack signs webhooks in. */
export const PAYSTACK_SIGNATURE_HEADER = 'x-paystack-signature'

const HEX_SHA512 = /^[0-9a-f]{128}$/i

/** Hex HMAC-SHA512 of the exact body bytes keyed with the secret key: Paystack's webhook signature. */
export function signPaystackPayload(secretKey: string, rawBody: Uint8Array | string): string {
  return createHmac('sha512', secretKey).update(rawBody).digest('hex')
}

/**
 * Checks a webhook's `x-paystack-signature` against the raw request bytes, in constant time.
 * Call it before parsing anything: re-serialising a parsed body can change the bytes.
 */
export function verifyPaystackSignature(
  secretKey: string,
  rawBody: Uint8Array,
  signatureHeader: string | null | undefined,
): boolean {
  // A SHA-512 hex digest is 128 characters; anything else cannot match, and checking the shape
  // first keeps both buffers the same length, which timingSafeEqual requires.
  if (typeof signatureHeader !== 'string' || !HEX_SHA512.test(signatureHeader.trim())) return false
  const given = Buffer.from(signatureHeader.trim(), 'hex')
  const expected = Buffer.from(signPaystackPayload(secretKey, rawBody), 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}
