import { describe, expect, it } from '@jest/globals'
import { loadConfig } from '../shared/config.js'

const base = { DATA_DIR: '/tmp/kloset-abuse-config-test', JWT_SECRET: 'x'.repeat(40) }

describe('rate-limit and proxy settings', () => {
  it('defaults to 60 auth, 120 write, 600 read and 30 WebSocket upgrades a minute, 40 messages per socket and 80 per user across its sockets per 2 s, trusting loopback proxies', () => {
    const config = loadConfig(base)
    expect(config.rateLimits).toEqual({
      windowSeconds: 60,
      auth: 60,
      write: 120,
      read: 600,
      ws: 30,
      wsMessages: 40,
      wsUserMessages: 80,
      wsMessageSeconds: 2,
    })
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
    expect(() => loadConfig({ ...base, RATE_LIMIT_WS_MESSAGE_SECONDS: '0' })).toThrow(
      /RATE_LIMIT_WS_MESSAGE_SECONDS/,
    )
    expect(() => loadConfig({ ...base, AUTO_BLOCK_ALLOW: 'the office' })).toThrow(
      /AUTO_BLOCK_ALLOW/,
    )
  })

  it('blocks automatically by default, never the allow-list nor the proxies TRUST_PROXY names', () => {
    expect(loadConfig(base).autoBlocks).toEqual({
      windowSeconds: 600,
      blockMinutes: 60,
      thresholds: { rate_limited: 30, failed_login: 30, bad_input: 100 },
      allow: ['loopback'],
    })
    const config = loadConfig({
      ...base,
      AUTO_BLOCK_ALLOW: '192.0.2.10, loopback',
      TRUST_PROXY: '10.0.0.0/8,loopback',
      AUTO_BLOCK_BAD_INPUT: '0',
    })
    expect(config.autoBlocks.allow).toEqual(['192.0.2.10', 'loopback', '10.0.0.0/8'])
    expect(config.autoBlocks.thresholds.bad_input).toBe(0)
  })
})
