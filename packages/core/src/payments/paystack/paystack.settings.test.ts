import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { ConfigError, loadConfig } from '../../shared/config.js'
import { resolvePaystackSettings, withPaystackBaseUrl } from './paystack.settings.js'

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kloset-paystack-config-'))
})
afterEach(() => rm(dataDir, { recursive: true, force: true }))

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-production-secret-that-is-long-enough-to-use',
  MONGODB_URI: 'mongodb://db.internal:27017/kloset',
  PUBLIC_URL: 'https://kloset.example',
  SMTP_URL: 'smtp://mail.internal:25',
  PAYOUT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
}
const liveKey = `sk_live_${'a1'.repeat(20)}`

describe('Paystack configuration', () => {
  it('plans the sandbox on PORT + 10 with a generated test key when no key is set', () => {
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '8080' })
    const plan = resolvePaystackSettings(config)
    expect(plan).toEqual({
      kind: 'sandbox',
      sandbox: {
        secretKey: expect.stringMatching(/^sk_test_[0-9a-f]{40}$/),
        port: 8090,
        webhookUrl: 'http://localhost:8080/api/v1/webhooks/paystack',
        persistFile: join(dataDir, 'paystack-sandbox.json'),
      },
    })
    expect(config.paystack.baseUrl).toBe('http://127.0.0.1:8090')
  })

  it('keeps the generated sandbox key across restarts', () => {
    const first = loadConfig({ DATA_DIR: dataDir })
    const second = loadConfig({ DATA_DIR: dataDir })
    expect(second.paystack.secretKey).toBe(first.paystack.secretKey)
  })

  it('adds the sandbox key to a data directory from before it existed, keeping the JWT secret', async () => {
    await writeFile(join(dataDir, 'secrets.json'), JSON.stringify({ jwtSecret: 'kept-jwt-secret' }))
    const config = loadConfig({ DATA_DIR: dataDir })
    expect(config.jwtSecret).toBe('kept-jwt-secret')
    const stored = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8'))
    expect(stored).toMatchObject({
      jwtSecret: 'kept-jwt-secret',
      paystackSandboxSecret: config.paystack.secretKey,
    })
  })

  it('gives the sandbox PAYSTACK_SANDBOX_PORT when set', () => {
    const config = loadConfig({ DATA_DIR: dataDir, PAYSTACK_SANDBOX_PORT: '9911' })
    expect(resolvePaystackSettings(config)).toMatchObject({ sandbox: { port: 9911 } })
  })

  it('talks to api.paystack.co in test mode with an sk_test_ key', () => {
    const config = loadConfig({ DATA_DIR: dataDir, PAYSTACK_SECRET_KEY: 'sk_test_abc123' })
    expect(resolvePaystackSettings(config)).toEqual({
      kind: 'paystack',
      mode: 'test',
      baseUrl: 'https://api.paystack.co',
    })
    expect(config.paystack).toMatchObject({ secretKey: 'sk_test_abc123', timeoutMs: 10_000 })
  })

  it('runs in live mode in production with an sk_live_ key', () => {
    const config = loadConfig({ ...PRODUCTION, DATA_DIR: dataDir, PAYSTACK_SECRET_KEY: liveKey })
    expect(resolvePaystackSettings(config)).toMatchObject({ kind: 'paystack', mode: 'live' })
  })

  it('requires a Paystack secret key in production', () => {
    expect(() => loadConfig({ ...PRODUCTION, DATA_DIR: dataDir })).toThrow(
      /PAYSTACK_SECRET_KEY: required when NODE_ENV=production/,
    )
  })

  it('refuses a secret key without the sk_test_ or sk_live_ prefix, without echoing it', () => {
    const attempt = () => loadConfig({ DATA_DIR: dataDir, PAYSTACK_SECRET_KEY: 'pk_live_secret99' })
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(/PAYSTACK_SECRET_KEY: must start with sk_test_ or sk_live_/)
    expect(attempt).not.toThrow(/secret99/)
  })

  it('refuses a public key of the other mode than the secret key', () => {
    expect(() =>
      loadConfig({
        DATA_DIR: dataDir,
        PAYSTACK_SECRET_KEY: 'sk_test_abc',
        PAYSTACK_PUBLIC_KEY: 'pk_live_abc',
      }),
    ).toThrow(/PAYSTACK_PUBLIC_KEY/)
  })

  it('refuses a plain-http Paystack base URL in production', () => {
    expect(() =>
      loadConfig({
        ...PRODUCTION,
        DATA_DIR: dataDir,
        PAYSTACK_SECRET_KEY: liveKey,
        PAYSTACK_BASE_URL: 'http://paystack.internal',
      }),
    ).toThrow(/PAYSTACK_BASE_URL: must be https/)
  })

  it('reads the webhook source allow-list', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      PAYSTACK_WEBHOOK_IPS: '52.31.139.75, 52.49.173.169,52.214.14.220',
    })
    expect(config.paystack.webhookIps).toEqual(['52.31.139.75', '52.49.173.169', '52.214.14.220'])
  })

  it('refuses a webhook allow-list entry that is not an address', () => {
    expect(() =>
      loadConfig({ DATA_DIR: dataDir, PAYSTACK_WEBHOOK_IPS: '52.31.139.75,paystack.co' }),
    ).toThrow(/PAYSTACK_WEBHOOK_IPS/)
  })

  it('points the client at a running sandbox', () => {
    const config = withPaystackBaseUrl(loadConfig({ DATA_DIR: dataDir }), 'http://127.0.0.1:51234/')
    expect(config.paystack.baseUrl).toBe('http://127.0.0.1:51234')
  })
})
