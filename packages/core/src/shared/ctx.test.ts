import { describe, expect, it } from '@jest/globals'
import { makeCtx, requireAdminOrSystem, requireRole, systemCtx } from './ctx.js'
import { ForbiddenError, UnauthorizedError } from './errors.js'

const now = new Date('2026-12-07T12:00:00Z')
const job = systemCtx('weekly-payouts', now)
const adminUser = makeCtx({ kind: 'user', id: 'u1', role: 'admin' }, now)
const adminCli = makeCtx({ kind: 'admin-cli', id: 'cli:ada@host', osUser: 'ada' }, now)
const seller = makeCtx({ kind: 'user', id: 'u2', role: 'seller' }, now)
const nobody = makeCtx({ kind: 'anonymous' }, now)

describe('requireRole', () => {
  it('refuses a system actor where administrators may act', () => {
    expect(() => requireRole(job, 'admin')).toThrow(ForbiddenError)
  })

  it('refuses a system actor whatever roles are listed', () => {
    expect(() => requireRole(job, 'seller', 'admin')).toThrow(ForbiddenError)
  })

  it('admits administrators over HTTP and at the terminal', () => {
    expect(requireRole(adminUser, 'admin')).toBe('u1')
    expect(requireRole(adminCli, 'admin')).toBe('cli:ada@host')
  })
})

describe('requireAdminOrSystem', () => {
  it('admits a system actor and names it', () => {
    expect(requireAdminOrSystem(job)).toBe('system:weekly-payouts')
  })

  it('admits administrators over HTTP and at the terminal', () => {
    expect(requireAdminOrSystem(adminUser)).toBe('u1')
    expect(requireAdminOrSystem(adminCli)).toBe('cli:ada@host')
  })

  it('refuses a seller and asks the anonymous to sign in', () => {
    expect(() => requireAdminOrSystem(seller)).toThrow(ForbiddenError)
    expect(() => requireAdminOrSystem(nobody)).toThrow(UnauthorizedError)
  })
})
