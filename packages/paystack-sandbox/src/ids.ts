import { randomBytes } from 'node:crypto'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** A random lowercase alphanumeric string, the shape of Paystack's codes and access codes. */
export function randomCode(length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length]
  return out
}

/** A Paystack-style prefixed code, e.g. `TRF_1ptvuv321ahaa7q`. */
export function prefixedCode(prefix: string): string {
  return `${prefix}_${randomCode(15)}`
}
