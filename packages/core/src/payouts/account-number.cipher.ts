import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { decodeKey256 } from '../shared/config.js'

/** A value sealed with AES-256-GCM; every part base64, the key named by its id. */
export interface SealedValue {
  /** Which key sealed it, so a rotated-out key can still open it (see `keyIdOf`). */
  keyId: string
  /** 96 random bits, new for every seal. */
  iv: string
  /** The 128-bit GCM authentication tag. */
  tag: string
  data: string
}

/** A key's id: a short hash of it, never the key itself. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256')
    .update('kloset:payout-account-key:')
    .update(key)
    .digest('hex')
    .slice(0, 16)
}

function decode(key: string): Buffer {
  const bytes = decodeKey256(key)
  if (!bytes) throw new Error('A payout encryption key must be 32 bytes (64 hex digits or base64)')
  return bytes
}

/**
 * Encrypts payout account numbers at rest. AES-256-GCM with a random 96-bit IV and the store id
 * as additional data, so a sealed number copied onto another store's record does not open. New
 * seals use the current key; older keys (after a rotation) still open what they sealed.
 */
export class AccountNumberCipher {
  private readonly current: { id: string; key: Buffer }
  private readonly keys = new Map<string, Buffer>()

  constructor(currentKey: string, previousKeys: readonly string[] = []) {
    const key = decode(currentKey)
    this.current = { id: keyIdOf(key), key }
    for (const previous of [currentKey, ...previousKeys]) {
      const bytes = decode(previous)
      this.keys.set(keyIdOf(bytes), bytes)
    }
  }

  /** The id of the key new seals use. */
  get currentKeyId(): string {
    return this.current.id
  }

  /** Seals `plain` for the record identified by `context` (the store id). */
  seal(plain: string, context: string): SealedValue {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: 16 })
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return {
      keyId: this.current.id,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    }
  }

  /**
   * Opens a sealed value of the record `context`.
   * @throws Error for an unknown key id, or when the value or its context was tampered with.
   */
  open(sealed: SealedValue, context: string): string {
    const key = this.keys.get(sealed.keyId)
    if (!key) throw new Error(`No payout encryption key with id ${sealed.keyId} is configured`)
    // A fixed tag length: a truncated tag must not be accepted.
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'), {
      authTagLength: 16,
    })
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'))
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.data, 'base64')),
      decipher.final(),
    ]).toString('utf8')
  }
}
