import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A new random id in the shape MongoDB uses (24 hex characters), usable as `_id`. */
export function newId(): string {
  const time = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0')
  return time + randomBytes(8).toString('hex')
}

export const isId = (value: string): boolean => /^[0-9a-f]{24}$/.test(value)

/** An opaque secret for links and refresh tokens: 256 random bits, URL-safe. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Tokens are stored hashed: a leaked table gives nobody a usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** A short id for requests and log lines. */
export function newRequestId(): string {
  return randomBytes(9).toString('base64url')
}
