import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { loadConfig } from '../shared/config.js'

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kloset-payout-config-'))
})
afterEach(() => rm(dataDir, { recursive: true, force: true }))

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-that-is-long-enough-to-use',
  MONGODB_URI: 'mongodb://db.internal:27017/kloset',
  PUBLIC_URL: 'https://kloset.example',
  SMTP_URL: 'smtp://mail.internal:25',
  PAYSTACK_SECRET_KEY: `sk_live_${'a1'.repeat(20)}`,
}

describe('payout configuration', () => {
  it('generates a payout encryption key once and keeps it in the data directory', () => {
    const first = loadConfig({ DATA_DIR: dataDir }).payouts.encryptionKey
    const second = loadConfig({ DATA_DIR: dataDir }).payouts.encryptionKey
    expect(Buffer.from(first, 'base64')).toHaveLength(32)
    expect(second).toBe(first)
  })

  it('takes the minimum payout from PAYOUT_MINIMUM_KOBO, NGN 1,000 by default', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).payouts.minimumKobo).toBe(100_000)
    expect(
      loadConfig({ DATA_DIR: dataDir, PAYOUT_MINIMUM_KOBO: '250000' }).payouts.minimumKobo,
    ).toBe(250_000)
  })

  it('refuses a PAYOUT_ENCRYPTION_KEY that is not 32 bytes, without echoing it', () => {
    const attempt = () => loadConfig({ DATA_DIR: dataDir, PAYOUT_ENCRYPTION_KEY: 'c2hvcnQta2V5' })
    expect(attempt).toThrow(/PAYOUT_ENCRYPTION_KEY: must be 32 bytes/)
    expect(attempt).not.toThrow(/c2hvcnQta2V5/)
  })

  it('requires PAYOUT_ENCRYPTION_KEY in production', () => {
    expect(() => loadConfig({ ...PRODUCTION, DATA_DIR: dataDir })).toThrow(
      /PAYOUT_ENCRYPTION_KEY: required when NODE_ENV=production/,
    )
  })

  it('reads previous keys for rotation, written as hex or base64', () => {
    const previous = [randomBytes(32).toString('hex'), randomBytes(32).toString('base64')]
    const config = loadConfig({
      DATA_DIR: dataDir,
      PAYOUT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PAYOUT_ENCRYPTION_PREVIOUS_KEYS: previous.join(', '),
    })
    expect(config.payouts.previousEncryptionKeys).toEqual(previous)
  })
})
