import { beforeAll, describe, expect, it } from '@jest/globals'
import type { PublicStoreDTO, StoreDTO } from '@kloset/core'
import { adminCliCtx, aVerifiedUser } from '@kloset/core/testing'
import { testApiForSuite } from '../test-support/suite.js'

let buyerToken: string
const { world, http } = testApiForSuite()
beforeAll(async () => {
  buyerToken = (await aVerifiedUser(world, 'buyer')).session.accessToken
})

type StoreBody = { store: StoreDTO }
type ErrorBody = { error: { code: string; details?: Record<string, string> } }

let counter = 0
const aStoreBody = (overrides: Record<string, unknown> = {}) => ({
  name: `Aso Oke Atelier ${Date.now().toString(36)}${counter++}`,
  description: 'Woven aso-oke for weddings and owambe.',
  contactEmail: 'shop@asooke.example',
  contactPhone: '+2348031234567',
  address: { line1: '3 Ring Road', city: 'Ibadan', state: 'Oyo', country: 'ng' },
  categories: ['traditional', 'accessories'],
  ...overrides,
})

async function aSeller() {
  return (await aVerifiedUser(world, 'seller')).session.accessToken
}

async function aSellerWithStore(overrides: Record<string, unknown> = {}) {
  const token = await aSeller()
  const res = await http.call<StoreBody>('POST', '/api/v1/seller/store', {
    token,
    body: aStoreBody(overrides),
  })
  expect(res.status).toBe(201)
  return { token, store: res.body.store }
}

describe('POST /api/v1/seller/store', () => {
  it('answers 201 with the pending store', async () => {
    const token = await aSeller()
    const res = await http.call<StoreBody>('POST', '/api/v1/seller/store', {
      token,
      body: aStoreBody(),
    })
    expect(res.status).toBe(201)
    expect(res.body.store).toMatchObject({
      status: 'pending',
      commissionRateBps: 500,
      address: { country: 'NG' },
    })
  })

  it.each([
    ['status', 'approved'],
    ['ownerId', '0123456789abcdef01234567'],
    ['commissionRateBps', 0],
    ['approvedBy', 'me'],
    ['closedUntil', '2030-01-01T00:00:00Z'],
    ['id', '0123456789abcdef01234567'],
  ])('answers 400 to the unknown field %s', async (field, value) => {
    const token = await aSeller()
    const res = await http.call<ErrorBody>('POST', '/api/v1/seller/store', {
      token,
      body: aStoreBody({ [field]: value }),
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details?.body).toContain(field)
  })

  it('answers 400 to a category outside the list', async () => {
    const res = await http.call<ErrorBody>('POST', '/api/v1/seller/store', {
      token: await aSeller(),
      body: aStoreBody({ categories: ['electronics'] }),
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details).toHaveProperty(['categories.0'])
  })

  it('answers 400 to a slug that is not lower-case words joined by hyphens', async () => {
    const res = await http.call<ErrorBody>('POST', '/api/v1/seller/store', {
      token: await aSeller(),
      body: aStoreBody({ slug: 'Bad--Slug' }),
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details).toHaveProperty('slug')
  })

  it('answers 409 store_slug_taken to a proposed slug in use', async () => {
    const slug = `owambe-${Date.now().toString(36)}`
    await aSellerWithStore({ slug })
    const res = await http.call<ErrorBody>('POST', '/api/v1/seller/store', {
      token: await aSeller(),
      body: aStoreBody({ slug }),
    })
    expect([res.status, res.body.error.code]).toEqual([409, 'store_slug_taken'])
  })

  it('answers 409 store_name_taken to a name taken in another case', async () => {
    const { store } = await aSellerWithStore()
    const res = await http.call<ErrorBody>('POST', '/api/v1/seller/store', {
      token: await aSeller(),
      body: aStoreBody({ name: store.name.toUpperCase() }),
    })
    expect([res.status, res.body.error.code]).toEqual([409, 'store_name_taken'])
  })

  it('answers 409 store_exists to a seller who already has a store', async () => {
    const { token } = await aSellerWithStore()
    const res = await http.call<ErrorBody>('POST', '/api/v1/seller/store', {
      token,
      body: aStoreBody(),
    })
    expect([res.status, res.body.error.code]).toEqual([409, 'store_exists'])
  })
})

describe('GET and PATCH /api/v1/seller/store', () => {
  it('answers 404 to a seller without a store', async () => {
    const res = await http.call<ErrorBody>('GET', '/api/v1/seller/store', {
      token: await aSeller(),
    })
    expect(res.status).toBe(404)
  })

  it('shows seller B their own store and nothing of seller A’s', async () => {
    const a = await aSellerWithStore()
    const b = await aSellerWithStore()
    const res = await http.call<StoreBody>('GET', '/api/v1/seller/store', { token: b.token })
    expect(res.body.store.id).toBe(b.store.id)
    expect(JSON.stringify(res.body)).not.toContain(a.store.id)
  })

  it('answers 404 when a seller without a store tries to edit one', async () => {
    await aSellerWithStore()
    const res = await http.call<ErrorBody>('PATCH', '/api/v1/seller/store', {
      token: await aSeller(),
      body: { description: 'Taking over somebody else’s shop.' },
    })
    expect(res.status).toBe(404)
  })

  it.each([
    ['status', 'approved'],
    ['ownerId', '0123456789abcdef01234567'],
    ['commissionRateBps', 0],
    ['slug', 'new-slug'],
    ['approvedBy', 'me'],
    ['statusReason', ''],
  ])('answers 400 to the unknown field %s and changes nothing', async (field, value) => {
    const { token, store } = await aSellerWithStore()
    const res = await http.call<ErrorBody>('PATCH', '/api/v1/seller/store', {
      token,
      body: { description: 'An honest new description.', [field]: value },
    })
    expect(res.status).toBe(400)
    const after = await http.call<StoreBody>('GET', '/api/v1/seller/store', { token })
    expect(after.body.store).toEqual(store)
  })

  it('answers 400 to an empty edit', async () => {
    const { token } = await aSellerWithStore()
    const res = await http.call('PATCH', '/api/v1/seller/store', { token, body: {} })
    expect(res.status).toBe(400)
  })

  it('resubmits a rejected store when the seller edits it', async () => {
    const { token, store } = await aSellerWithStore()
    await world.core.stores.reject(adminCliCtx(), store.id, { reason: 'description too thin' })
    const res = await http.call<StoreBody>('PATCH', '/api/v1/seller/store', {
      token,
      body: { description: 'Woven aso-oke, gele and fila, made to order in Ibadan.' },
    })
    expect(res.status).toBe(200)
    expect(res.body.store.status).toBe('pending')
  })
})

describe('POST /api/v1/seller/store/holiday', () => {
  it('sets holiday mode until a time and ends it with null', async () => {
    const { token } = await aSellerWithStore()
    const until = new Date(world.clock.now().getTime() + 7 * 86_400_000).toISOString()
    const on = await http.call<StoreBody>('POST', '/api/v1/seller/store/holiday', {
      token,
      body: { until },
    })
    expect(on.body.store.closedUntil).toBe(until)
    const off = await http.call<StoreBody>('POST', '/api/v1/seller/store/holiday', {
      token,
      body: { until: null },
    })
    expect(off.status).toBe(200)
    expect(off.body.store.closedUntil).toBeUndefined()
  })

  it('answers 400 to a time that is not ISO 8601', async () => {
    const { token } = await aSellerWithStore()
    const res = await http.call('POST', '/api/v1/seller/store/holiday', {
      token,
      body: { until: 'next tuesday' },
    })
    expect(res.status).toBe(400)
  })
})

describe('who may call the seller store routes', () => {
  const sellerRoutes = [
    ['GET', '/api/v1/seller/store'],
    ['POST', '/api/v1/seller/store'],
    ['PATCH', '/api/v1/seller/store'],
    ['POST', '/api/v1/seller/store/holiday'],
  ] as const

  it.each(sellerRoutes)('%s %s answers 403 to a buyer', async (method, path) => {
    const res = await http.call(method, path, {
      token: buyerToken,
      ...(method === 'GET' ? {} : { body: aStoreBody() }),
    })
    expect(res.status).toBe(403)
  })

  it.each(sellerRoutes)('%s %s answers 401 without a token', async (method, path) => {
    expect((await http.call(method, path)).status).toBe(401)
  })
})

describe('GET /api/v1/stores/:slug', () => {
  it('shows an approved store to anyone, without contact details or owner', async () => {
    const { store } = await aSellerWithStore()
    await world.core.stores.approve(adminCliCtx(), store.id)
    const res = await http.call<{ store: PublicStoreDTO }>('GET', `/api/v1/stores/${store.slug}`)
    expect(res.status).toBe(200)
    expect(res.body.store).toMatchObject({ id: store.id, city: 'Ibadan' })
    expect(res.body.store).not.toHaveProperty('contactEmail')
    expect(res.body.store).not.toHaveProperty('ownerId')
  })

  it('answers 404 for a store still pending review', async () => {
    const { store } = await aSellerWithStore()
    expect((await http.call('GET', `/api/v1/stores/${store.slug}`)).status).toBe(404)
  })

  it('answers 404 for a slug nobody has', async () => {
    expect((await http.call('GET', '/api/v1/stores/no-such-store-here')).status).toBe(404)
  })
})
