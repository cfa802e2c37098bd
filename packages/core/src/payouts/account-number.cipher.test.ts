import { randomBytes } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import { AccountNumberCipher, keyIdOf } from './account-number.cipher.js'

const aKey = () => randomBytes(32).toString('base64')
const storeId = '6543210fedcba98765432100'

describe('AccountNumberCipher', () => {
  it('opens what it sealed', () => {
    const cipher = new AccountNumberCipher(aKey())
    expect(cipher.open(cipher.seal('0123456789', storeId), storeId)).toBe('0123456789')
  })

  it('keeps no trace of the number in the sealed value', () => {
    const sealed = new AccountNumberCipher(aKey()).seal('0123456789', storeId)
    expect(JSON.stringify(sealed)).not.toContain('0123456789')
    expect(JSON.stringify(sealed)).not.toContain(Buffer.from('0123456789').toString('base64'))
  })

  it('uses a fresh 96-bit IV for every seal', () => {
    const cipher = new AccountNumberCipher(aKey())
    const first = cipher.seal('0123456789', storeId)
    const second = cipher.seal('0123456789', storeId)
    expect(Buffer.from(first.iv, 'base64')).toHaveLength(12)
    expect(first.iv).not.toBe(second.iv)
    expect(first.data).not.toBe(second.data)
  })

  it('refuses a sealed value whose data was altered', () => {
    const cipher = new AccountNumberCipher(aKey())
    const sealed = cipher.seal('0123456789', storeId)
    const data = Buffer.from(sealed.data, 'base64')
    data[0] = (data[0] ?? 0) ^ 1
    expect(() => cipher.open({ ...sealed, data: data.toString('base64') }, storeId)).toThrow()
  })

  it('refuses to open a value for another store', () => {
    const cipher = new AccountNumberCipher(aKey())
    const sealed = cipher.seal('0123456789', storeId)
    expect(() => cipher.open(sealed, '0123456789abcdef01234567')).toThrow()
  })

  it('still opens values sealed with a previous key after a rotation', () => {
    const oldKey = aKey()
    const sealed = new AccountNumberCipher(oldKey).seal('0123456789', storeId)
    const rotated = new AccountNumberCipher(aKey(), [oldKey])
    expect(rotated.currentKeyId).not.toBe(sealed.keyId)
    expect(rotated.open(sealed, storeId)).toBe('0123456789')
  })

  it('names the missing key when it does not have the one that sealed a value', () => {
    const oldKey = aKey()
    const sealed = new AccountNumberCipher(oldKey).seal('0123456789', storeId)
    expect(() => new AccountNumberCipher(aKey()).open(sealed, storeId)).toThrow(
      keyIdOf(Buffer.from(oldKey, 'base64')),
    )
  })

  it('accepts a key written as 64 hex digits', () => {
    const hex = randomBytes(32).toString('hex')
    const cipher = new AccountNumberCipher(hex)
    expect(cipher.open(cipher.seal('0123456789', storeId), storeId)).toBe('0123456789')
  })
})
