import { beforeAll, describe, expect, it } from '@jest/globals'
import { aVerifiedUser } from '@kloset/core/testing'
import { allRoutes } from '../api.js'
import { testApiForSuite } from '../test-support/suite.js'

/**
 * Every admin route, read from the route table itself, against every role: a new admin route
 * without a role check fails here without anyone writing a test for it.
 */
const tokens: Record<'buyer' | 'seller' | 'admin', string> = { buyer: '', seller: '', admin: '' }

const { world, http } = testApiForSuite()
beforeAll(async () => {
  for (const role of ['buyer', 'seller', 'admin'] as const) {
    tokens[role] = (await aVerifiedUser(world, role)).session.accessToken
  }
})

const adminRoutes = allRoutes.filter((r) => r.path.startsWith('/api/v1/admin/'))
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, '0123456789abcdef01234567')
const bodyFor = (method: string) => (method === 'GET' || method === 'DELETE' ? {} : { body: {} })

describe('admin routes', () => {
  it('exist in the table', () => {
    expect(adminRoutes.length).toBeGreaterThanOrEqual(4)
  })

  it('all declare the admin role', () => {
    const unguarded = adminRoutes.filter(
      (r) => !(Array.isArray(r.auth) && r.auth.length === 1 && r.auth[0] === 'admin'),
    )
    expect(unguarded.map((r) => `${r.method} ${r.path}`)).toEqual([])
  })

  describe.each(adminRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s',
    (_name, route) => {
      it('answers 401 to anonymous callers', async () => {
        expect(
          (await http.call(route.method, concrete(route.path), bodyFor(route.method))).status,
        ).toBe(401)
      })

      it.each(['buyer', 'seller'] as const)('answers 403 to a %s', async (role) => {
        const res = await http.call(route.method, concrete(route.path), {
          token: tokens[role],
          ...bodyFor(route.method),
        })
        expect(res.status).toBe(403)
      })

      it('lets an admin past the role check', async () => {
        const res = await http.call(route.method, concrete(route.path), {
          token: tokens.admin,
          ...bodyFor(route.method),
        })
        expect([401, 403]).not.toContain(res.status)
      })
    },
  )
})

describe('seller routes', () => {
  it('all answer 403 to a buyer', async () => {
    const sellerRoutes = allRoutes.filter((r) => r.path.startsWith('/api/v1/seller/'))
    const answered: string[] = []
    for (const route of sellerRoutes) {
      const res = await http.call(route.method, concrete(route.path), {
        token: tokens.buyer,
        ...bodyFor(route.method),
      })
      if (res.status !== 403) answered.push(`${route.method} ${route.path}: ${res.status}`)
    }
    expect(answered).toEqual([])
  })
})
