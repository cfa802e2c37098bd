import { beforeAll, describe, expect, it } from '@jest/globals'
import type { AuditEntryDTO, Page, StoreDTO } from '@kloset/core'
import { adminCliCtx, aVerifiedUser } from '@kloset/core/testing'
import { allRoutes } from '../api.js'
import { testApiForSuite } from '../test-support/suite.js'

const tokens = { buyer: '', seller: '', admin: '' }
let adminId = ''
const { world, http } = testApiForSuite()
beforeAll(async () => {
  for (const role of ['buyer', 'seller'] as const) {
    tokens[role] = (await aVerifiedUser(world, role)).session.accessToken
  }
  const admin = await aVerifiedUser(world, 'admin')
  tokens.admin = admin.session.accessToken
  adminId = admin.user.id
})

type StoreBody = { store: StoreDTO }
type ErrorBody = { error: { code: string; details?: Record<string, string> } }

let counter = 0
/** A seller with a registered (pending) store, registered through the API. */
async function aPendingStore() {
  const seller = await aVerifiedUser(world, 'seller')
  const res = await http.call<StoreBody>('POST', '/api/v1/seller/store', {
    token: seller.session.accessToken,
    body: {
      name: `Kampala Kicks ${Date.now().toString(36)}${counter++}`,
      description: 'Sneakers and sportswear, restored and resold.',
      contactEmail: 'kicks@example.test',
      contactPhone: '+234 809 000 1111',
      address: { line1: '9 Allen Avenue', city: 'Ikeja', state: 'Lagos', country: 'NG' },
      categories: ['shoes', 'sportswear'],
    },
  })
  expect(res.status).toBe(201)
  return { email: seller.email, store: res.body.store }
}

const decide = (storeId: string, verb: string, body: Record<string, unknown> = {}) =>
  http.call<StoreBody & ErrorBody>('POST', `/api/v1/admin/stores/${storeId}/${verb}`, {
    token: tokens.admin,
    body,
  })

describe('who may call the admin store routes', () => {
  const routes = allRoutes.filter((r) => r.path.startsWith('/api/v1/admin/stores'))

  it('covers list, show and the five decisions', () => {
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /api/v1/admin/stores',
      'GET /api/v1/admin/stores/:id',
      'POST /api/v1/admin/stores/:id/approve',
      'POST /api/v1/admin/stores/:id/close',
      'POST /api/v1/admin/stores/:id/reinstate',
      'POST /api/v1/admin/stores/:id/reject',
      'POST /api/v1/admin/stores/:id/suspend',
    ])
  })

  const cases = routes.flatMap((r) =>
    (['buyer', 'seller'] as const).map((role) => [r.method, r.path, role] as const),
  )
  it.each(cases)(
    '%s %s answers 403 to a %s, with no store in the body',
    async (method, path, role) => {
      const { store } = await aPendingStore()
      const res = await http.call(method, path.replace(':id', store.id), {
        token: tokens[role],
        ...(method === 'POST' ? { body: { reason: 'trying my luck' } } : {}),
      })
      expect(res.status).toBe(403)
      expect(JSON.stringify(res.body)).not.toContain(store.name)
      expect((await world.core.stores.get(adminCliCtx(), store.id)).status).toBe('pending')
    },
  )
})

describe('GET /api/v1/admin/stores', () => {
  it('lists stores with the asked status', async () => {
    const { store } = await aPendingStore()
    const res = await http.call<Page<StoreDTO>>(
      'GET',
      '/api/v1/admin/stores?status=pending&limit=100',
      {
        token: tokens.admin,
      },
    )
    expect(res.status).toBe(200)
    expect(res.body.items.map((s) => s.id)).toContain(store.id)
    expect(res.body.items.every((s) => s.status === 'pending')).toBe(true)
  })

  it('answers 400 to an unknown status', async () => {
    const res = await http.call('GET', '/api/v1/admin/stores?status=open', { token: tokens.admin })
    expect(res.status).toBe(400)
  })

  it('answers 404 for an unknown store id', async () => {
    const res = await http.call<ErrorBody>('GET', '/api/v1/admin/stores/0123456789abcdef01234567', {
      token: tokens.admin,
    })
    expect([res.status, res.body.error.code]).toEqual([404, 'not_found'])
  })
})

describe('admin decisions', () => {
  it('approves a pending store and emails the seller', async () => {
    const { store, email } = await aPendingStore()
    const res = await decide(store.id, 'approve')
    expect([res.status, res.body.store.status]).toEqual([200, 'approved'])
    await world.smtp.waitFor(email, /is approved/)
  })

  it('rejects with a reason and emails it to the seller', async () => {
    const { store, email } = await aPendingStore()
    const res = await decide(store.id, 'reject', { reason: 'photos are stock images' })
    expect(res.body.store).toMatchObject({
      status: 'rejected',
      statusReason: 'photos are stock images',
    })
    expect((await world.smtp.waitFor(email, /not approved/)).text).toContain(
      'photos are stock images',
    )
  })

  it.each(['reject', 'suspend'])('answers 400 to %s without a reason', async (verb) => {
    const { store } = await aPendingStore()
    if (verb === 'suspend') await decide(store.id, 'approve')
    const res = await decide(store.id, verb)
    expect(res.status).toBe(400)
    expect(res.body.error.details).toHaveProperty('reason')
  })

  it('suspends an approved store with a reason and emails the seller', async () => {
    const { store, email } = await aPendingStore()
    await decide(store.id, 'approve')
    const res = await decide(store.id, 'suspend', { reason: 'counterfeit jerseys' })
    expect(res.body.store.status).toBe('suspended')
    expect((await world.smtp.waitFor(email, /is suspended/)).text).toContain('counterfeit jerseys')
  })

  it('reinstates a suspended store and closes it', async () => {
    const { store } = await aPendingStore()
    await decide(store.id, 'approve')
    await decide(store.id, 'suspend', { reason: 'late shipping' })
    expect((await decide(store.id, 'reinstate')).body.store.status).toBe('approved')
    expect((await decide(store.id, 'close', { reason: 'seller left' })).body.store.status).toBe(
      'closed',
    )
  })

  it('answers 409 invalid_transition to a decision the lifecycle refuses', async () => {
    const { store } = await aPendingStore()
    const res = await decide(store.id, 'suspend', { reason: 'not yet approved' })
    expect([res.status, res.body.error.code]).toEqual([409, 'invalid_transition'])
  })

  it('answers 400 to an unknown field in a decision', async () => {
    const { store } = await aPendingStore()
    const res = await decide(store.id, 'approve', { commissionRateBps: 0 })
    expect(res.status).toBe(400)
  })

  it('records the deciding administrator in the audit log', async () => {
    const { store } = await aPendingStore()
    await decide(store.id, 'reject', { reason: 'name impersonates a brand' })
    const entries: AuditEntryDTO[] = await world.core.audit.listFor(adminCliCtx(), {
      type: 'store',
      id: store.id,
    })
    expect(entries[0]).toMatchObject({
      action: 'store.rejected',
      actor: `admin:${adminId}`,
      reason: 'name impersonates a brand',
    })
  })
})
