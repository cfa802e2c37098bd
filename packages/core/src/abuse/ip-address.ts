import { BlockList, isIP } from 'node:net'
import { ValidationError } from '../shared/errors.js'

/** A parsed address range: `10.0.0.0/8`, `2001:db8::/32`, or one address as a /32 or /128. */
export interface Cidr {
  /** Normalized text: the network address and the prefix length. */
  cidr: string
  address: string
  prefix: number
  family: 4 | 6
}

/** `::ffff:203.0.113.7` (an IPv4 client on a dual-stack socket) is `203.0.113.7`. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return mapped ? mapped[1]! : ip.toLowerCase()
}

function ipv4ToBytes(address: string): number[] {
  return address.split('.').map(Number)
}

function ipv6ToBytes(address: string): number[] {
  let text = address
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const [a, b, c, d] = ipv4ToBytes(v4[1]!)
    text = text.replace(v4[1]!, `${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`)
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  return groups.flatMap((group) => {
    const value = Number.parseInt(group || '0', 16)
    return [value >> 8, value & 0xff]
  })
}

function bytesToText(bytes: number[], family: 4 | 6): string {
  if (family === 4) return bytes.join('.')
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16))
  // Shorten the longest run of zero groups, as RFC 5952 writes it.
  let best = { at: -1, length: 0 }
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === '0') j++
    if (j - i > best.length && j - i > 1) best = { at: i, length: j - i }
    i = j
  }
  if (best.at < 0) return groups.join(':')
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`
}

/**
 * Parses an address or a CIDR range, masking the host bits (`10.1.2.3/8` is `10.0.0.0/8`).
 * @throws ValidationError for anything else.
 */
export function parseCidr(text: string): Cidr {
  const [rawAddress, rawPrefix, ...rest] = text.trim().split('/')
  const address = normalizeIp(rawAddress ?? '')
  const family = isIP(address) as 0 | 4 | 6
  const max = family === 4 ? 32 : 128
  const prefix =
    rawPrefix === undefined ? max : /^\d{1,3}$/.test(rawPrefix) ? Number(rawPrefix) : -1
  if (family === 0 || rest.length > 0 || prefix < 0 || prefix > max) {
    throw new ValidationError('Not an IP address or CIDR range', {
      cidr: 'must be an IPv4 or IPv6 address, optionally with /prefix (e.g. 203.0.113.0/24)',
    })
  }
  const bytes = family === 4 ? ipv4ToBytes(address) : ipv6ToBytes(address)
  for (let bit = prefix; bit < max; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7))
  const network = bytesToText(bytes, family)
  return { cidr: `${network}/${prefix}`, address: network, prefix, family }
}

/** True when `ip` falls in one of the ranges. */
export function blockListOf(ranges: Cidr[]): (ip: string) => boolean {
  // No blocks (the usual case): every request asks, so answer without parsing its address.
  if (ranges.length === 0) return () => false
  const list = new BlockList()
  for (const range of ranges) {
    list.addSubnet(range.address, range.prefix, range.family === 4 ? 'ipv4' : 'ipv6')
  }
  return (ip) => {
    const address = normalizeIp(ip)
    const family = isIP(address)
    if (family === 0) return false
    return list.check(address, family === 4 ? 'ipv4' : 'ipv6')
  }
}
