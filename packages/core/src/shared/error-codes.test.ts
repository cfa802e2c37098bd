import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { ConflictError, ERROR_CODES, type ErrorCode, errorCodesByOwner } from './errors.js'

// docs/api.md, "Error codes": one row per code, `| \`code\` | status | \`owner\` | when |`.
const apiDoc = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'api.md'),
  'utf8',
)
const section = apiDoc.split('### Error codes')[1]?.split(/\n#{2,3} /)[0] ?? ''
const documented = [...section.matchAll(/^\| `([a-z_]+)` +\| [^|]+\| `([a-z]+)` +\|/gm)].map(
  ([, code, owner]) => ({ code: code as string, owner: owner as string }),
)
const owners = errorCodesByOwner as Record<string, readonly string[]>

describe('error codes', () => {
  it('documents every code in docs/api.md', () => {
    const missing = ERROR_CODES.filter((code) => !documented.some((row) => row.code === code))
    expect(missing).toEqual([])
  })

  it('documents no code that does not exist', () => {
    const known: readonly string[] = ERROR_CODES
    expect(documented.map((row) => row.code).filter((code) => !known.includes(code))).toEqual([])
  })

  it('documents each code once, under an owner that declares it', () => {
    const codes = documented.map((row) => row.code)
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([])
    const misplaced = documented.filter((row) => !owners[row.owner]?.includes(row.code))
    expect(misplaced).toEqual([])
  })

  it('declares each code in one feature only (the edges may repeat one)', () => {
    const edges = ['http', 'ws', 'cli']
    const declared = Object.entries(owners)
      .filter(([owner]) => !edges.includes(owner))
      .flatMap(([, codes]) => codes)
    expect(declared.filter((code, i) => declared.indexOf(code) !== i)).toEqual([])
  })

  it('refuses a misspelt code at compile time', () => {
    // @ts-expect-error: not an ErrorCode
    const typo = new ConflictError('This SKU is taken', 'sku_taaken')
    const code: ErrorCode = 'sku_taken'
    expect(typo.code).not.toBe(code)
  })
})
