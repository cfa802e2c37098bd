import { createHash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto'

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

const REQUEST_ID_BYTES = 9
/** Random bytes drawn 512 ids at a time: one call into the CSPRNG per 512 requests, not per request. */
const requestIdPool = Buffer.alloc(REQUEST_ID_BYTES * 512)
let requestIdOffset = requestIdPool.length

/** A short id for requests and log lines: 72 random bits, 12 URL-safe characters. */
export function newRequestId(): string {
  if (requestIdOffset >= requestIdPool.length) {
    randomFillSync(requestIdPool)
    requestIdOffset = 0
  }
  const id = requestIdPool.toString(
    'base64url',
    requestIdOffset,
    requestIdOffset + REQUEST_ID_BYTES,
  )
  requestIdOffset += REQUEST_ID_BYTES
  return id
}
