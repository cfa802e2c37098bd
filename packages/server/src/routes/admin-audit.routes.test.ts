import { beforeAll, describe, expect, it } from '@jest/globals'
import type { AuditEntryDTO, Page } from '@kloset/core'
import { aVerifiedUser } from '@kloset/core/testing'
import { testApiForSuite } from '../test-support/suite.js'

let adminToken = ''
let adminId = ''
const { world, http } = testApiForSuite()
beforeAll(async () => {
  const admin = await aVerifiedUser(world, 'admin')
  adminToken = admin.session.accessToken
  adminId = admin.user.id
})

describe('GET /api/v1/admin/audit', () => {
  it("lists an admin's actions newest first, filtered by actor and action, a page at a time", async () => {
    const since = new Date(world.clock.now().getTime() - 1_000).toISOString()
    for (const reason of ['first offence', 'second offence']) {
      const { user } = await aVerifiedUser(world, 'buyer')
      const res = await http.call('POST', `/api/v1/admin/users/${user.id}/suspend`, {
        token: adminToken,
        body: { reason },
      })
      expect(res.status).toBe(200)
    }
    const first = await http.call<Page<AuditEntryDTO>>(
      'GET',
      `/api/v1/admin/audit?actor=${adminId}&action=user.suspended&since=${since}&limit=1`,
      { token: adminToken },
    )
    expect(first.status).toBe(200)
    expect(first.body.items).toMatchObject([{ action: 'user.suspended', reason: 'second offence' }])
    expect(first.body.items[0]!.actor).toBe(`admin:${adminId}`)
    const second = await http.call<Page<AuditEntryDTO>>(
      'GET',
      `/api/v1/admin/audit?actor=${adminId}&action=user.suspended&since=${since}&limit=1&cursor=${first.body.nextCursor}`,
      { token: adminToken },
    )
    expect(second.body.items).toMatchObject([{ reason: 'first offence' }])
  })

  it('refuses a buyer with 403 and a bad filter with 400', async () => {
    const buyer = await aVerifiedUser(world, 'buyer')
    const denied = await http.call('GET', '/api/v1/admin/audit', {
      token: buyer.session.accessToken,
    })
    expect(denied.status).toBe(403)
    const bad = await http.call('GET', '/api/v1/admin/audit?since=yesterday', { token: adminToken })
    expect(bad.status).toBe(400)
  })
})
