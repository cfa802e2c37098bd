import { isIP } from 'node:net'
import { z } from 'zod'

/** Thrown when the environment is wrong; the message names every offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The message of a ConfigError: one line per offending variable. */
export const invalidConfiguration = (lines: string[]) =>
  new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)

export const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol)
        } catch {
          return false
        }
      },
      `must be a URL starting with ${protocols.join(' or ')}`,
    )

export const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value)

/** A 256-bit key written as 64 hex digits or as base64 / base64url; undefined otherwise. */
export function decodeKey256(value: string): Buffer | undefined {
  const text = value.trim()
  const bytes = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(text)
      ? Buffer.from(text, 'base64')
      : undefined
  return bytes?.length === 32 ? bytes : undefined
}

export const key256 = z
  .string()
  .trim()
  .refine(
    (value) => decodeKey256(value) !== undefined,
    'must be 32 bytes, as 64 hex digits or base64',
  )
/** A comma-separated list; blanks around and between items are dropped. */
export const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
)
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(emptyToUndefined, schema.optional())

/** Browser origins (`https://shop.example.com`: scheme, host, port; no path), comma-separated. */
export const originList = commaList.refine(
  (origins) =>
    origins.length > 0 &&
    origins.every((origin) => {
      try {
        const parsed = new URL(origin)
        return ['http:', 'https:'].includes(parsed.protocol) && parsed.origin === origin
      } catch {
        return false
      }
    }),
  { message: 'must be comma-separated origins like https://shop.example.com (no path)' },
)

/** An address, a CIDR range, or one of proxy-addr's names (TRUST_PROXY, AUTO_BLOCK_ALLOW). */
export function isRangeOrName(item: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return true
  const [address, prefix, ...rest] = item.split('/')
  const family = isIP(address ?? '')
  if (family === 0 || rest.length > 0) return false
  return (
    prefix === undefined ||
    (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
  )
}

export const rateLimitCount = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1_000_000).default(fallback))
