import { describe, expect, it } from '@jest/globals'
import { blockListOf, normalizeIp, parseCidr } from './ip-address.js'
import { clientKey } from './route-limits.js'

describe('parseCidr', () => {
  it('masks the host bits of an IPv4 range', () => {
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ cidr: '10.0.0.0/8', family: 4, prefix: 8 })
  })

  it('takes a single address as a /32 or /128', () => {
    expect(parseCidr('203.0.113.7').cidr).toBe('203.0.113.7/32')
    expect(parseCidr('2001:DB8::1').cidr).toBe('2001:db8::1/128')
  })

  it('writes IPv6 ranges the short way after masking', () => {
    expect(parseCidr('2001:db8:abcd:12:1:2:3:4/48').cidr).toBe('2001:db8:abcd::/48')
    expect(parseCidr('::ffff:198.51.100.9').cidr).toBe('198.51.100.9/32')
  })

  it.each([
    '',
    '10.0.0.0/33',
    '2001:db8::/129',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    'host.example',
    '1.2.3',
  ])('refuses %p', (text) => {
    expect(() => parseCidr(text)).toThrow('Not an IP address or CIDR range')
  })
})

describe('blockListOf', () => {
  it('matches addresses inside any range, IPv4-mapped ones included', () => {
    const blocked = blockListOf([parseCidr('203.0.113.0/24'), parseCidr('2001:db8::/32')])
    expect(blocked('203.0.113.200')).toBe(true)
    expect(blocked('::ffff:203.0.113.1')).toBe(true)
    expect(blocked('2001:db8:ffff::1')).toBe(true)
    expect(blocked('203.0.114.1')).toBe(false)
    expect(blocked('2001:db9::1')).toBe(false)
    expect(blocked('not an ip')).toBe(false)
  })
})

describe('clientKey', () => {
  it('counts users by id, IPv4 clients by address and IPv6 clients by /64', () => {
    expect(clientKey({ ip: '1.2.3.4', userId: 'u1' })).toBe('user:u1')
    expect(clientKey({ ip: '1.2.3.4' })).toBe('ip:1.2.3.4')
    expect(clientKey({ ip: '2001:db8:1:2:aaaa::1' })).toBe('ip:2001:db8:1:2::/64')
    expect(normalizeIp('::FFFF:10.0.0.1')).toBe('10.0.0.1')
  })
})
