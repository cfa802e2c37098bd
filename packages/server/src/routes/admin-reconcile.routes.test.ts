import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { AuditEntryDTO, Page, ReconcileItemDTO } from '@kloset/core'
import {
  adminCliCtx,
  aStrayCharge,
  aVerifiedUser,
  createPaystackWorld,
  type PaystackWorld,
} from '@kloset/core/testing'
import { createTestApi, type TestApi } from '../test-support/api-harness.js'

let pw: PaystackWorld
let http: TestApi
let admin = ''
let buyer = ''
const reference = 'kg-0123456789abcdef0123dddd'

beforeAll(async () => {
  pw = await createPaystackWorld()
  http = createTestApi(pw.world)
  admin = (await aVerifiedUser(pw.world, 'admin')).session.accessToken
  buyer = (await aVerifiedUser(pw.world, 'buyer')).session.accessToken
  // A charge no order group has: one mismatch, one item.
  await aStrayCharge(pw, reference, 420_000)
  const now = pw.world.clock.now()
  await pw.world.core.reconcile.reconcileDay(adminCliCtx(now), now.toISOString().slice(0, 10))
})
afterAll(() => pw.close())

describe('/api/v1/admin/reconcile/items', () => {
  it('lists, shows and resolves an item, and the resolution is in the audit log', async () => {
    const list = await http.call<Page<ReconcileItemDTO>>(
      'GET',
      '/api/v1/admin/reconcile/items?status=open',
      { token: admin },
    )
    expect(list.status).toBe(200)
    const item = list.body.items.find((i) => i.subject === reference)
    expect(item).toMatchObject({ kind: 'charge_without_paid_order', actual: 420_000 })

    const shown = await http.call<{ item: ReconcileItemDTO }>(
      'GET',
      `/api/v1/admin/reconcile/items/${item!.id}`,
      { token: admin },
    )
    expect(shown.body.item).toEqual(item)

    const resolved = await http.call<{ item: ReconcileItemDTO }>(
      'POST',
      `/api/v1/admin/reconcile/items/${item!.id}/resolve`,
      { token: admin, body: { reason: 'Refunded the stray charge' } },
    )
    expect(resolved.status).toBe(200)
    expect(resolved.body.item).toMatchObject({
      status: 'resolved',
      resolution: 'Refunded the stray charge',
    })
    const again = await http.call('POST', `/api/v1/admin/reconcile/items/${item!.id}/resolve`, {
      token: admin,
      body: { reason: 'Twice' },
    })
    expect(again.status).toBe(409)
    const audit = await http.call<Page<AuditEntryDTO>>(
      'GET',
      `/api/v1/admin/audit?action=reconcile.item_resolved&targetId=${item!.id}`,
      { token: admin },
    )
    expect(audit.body.items).toMatchObject([{ reason: 'Refunded the stray charge' }])
  })

  it('answers 403 to a buyer, 404 for an unknown item and 400 without a reason', async () => {
    const denied = await http.call('GET', '/api/v1/admin/reconcile/items', { token: buyer })
    expect(denied.status).toBe(403)
    const missing = await http.call(
      'GET',
      '/api/v1/admin/reconcile/items/0123456789abcdef01234567',
      { token: admin },
    )
    expect(missing.status).toBe(404)
    const noReason = await http.call(
      'POST',
      '/api/v1/admin/reconcile/items/0123456789abcdef01234567/resolve',
      { token: admin, body: {} },
    )
    expect(noReason.status).toBe(400)
  })
})
