import { describe, expect, it } from '@jest/globals'
import { loadConfig } from '../shared/config.js'

const base = { DATA_DIR: '/tmp/kloset-abuse-config-test', JWT_SECRET: 'x'.repeat(40) }

describe('rate-limit and proxy settings', () => {
  it('defaults to 60 auth, 120 write and 600 read requests a minute, trusting loopback proxies', () => {
    const config = loadConfig(base)
    expect(config.rateLimits).toEqual({ windowSeconds: 60, auth: 60, write: 120, read: 600 })
    expect(config.trustProxy).toEqual(['loopback'])
  })

  it('reads hop counts, none, and lists of ranges for TRUST_PROXY', () => {
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ ...base, TRUST_PROXY: 'none' }).trustProxy).toBe(0)
    expect(
      loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, fd00::/8,loopback' }).trustProxy,
    ).toEqual(['10.0.0.0/8', 'fd00::/8', 'loopback'])
  })

  it('refuses a TRUST_PROXY or a limit it cannot use, naming the variable', () => {
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/)
    expect(() => loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/40' })).toThrow(/TRUST_PROXY/)
    expect(() => loadConfig({ ...base, RATE_LIMIT_WRITE: '-1' })).toThrow(/RATE_LIMIT_WRITE/)
    expect(() => loadConfig({ ...base, RATE_LIMIT_WINDOW_SECONDS: '0' })).toThrow(
      /RATE_LIMIT_WINDOW_SECONDS/,
    )
  })
})
