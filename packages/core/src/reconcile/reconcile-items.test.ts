import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  adminCliCtx,
  aPaidOrder,
  aStrayCharge,
  aVerifiedUser,
  createPaystackWorld,
  type PaystackWorld,
  userCtx,
} from '../test-support/index.js'

let pw: PaystackWorld
let today: string
beforeAll(async () => {
  pw = await createPaystackWorld()
  today = pw.world.clock.now().toISOString().slice(0, 10)
})
afterAll(() => pw.close())

const admin = () => adminCliCtx(pw.world.clock.now())
const run = () => pw.world.core.reconcile.reconcileDay(admin(), today)
const itemsOf = async (status?: 'open' | 'resolved' | 'auto_cleared') =>
  (await pw.world.core.reconcile.listItems(admin(), { limit: 100, ...(status ? { status } : {}) }))
    .items

describe('reconcile items', () => {
  it('stores a mismatch once, however many runs see it', async () => {
    const reference = 'kg-0123456789abcdef0123aaaa'
    await aStrayCharge(pw, reference)
    const first = await run()
    const second = await run()
    const items = (await itemsOf()).filter((i) => i.subject === reference)
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({
      kind: 'charge_without_paid_order',
      status: 'open',
      actual: 990_000,
      timesSeen: 2,
      date: today,
    })
    expect(first.items.opened).toContain(items[0]!.id)
    expect(second.items.opened).not.toContain(items[0]!.id)
  })

  it('auto-clears an open item a later run no longer finds, and reopens it if it comes back', async () => {
    const { order } = await aPaidOrder(pw)
    const journals = pw.world.core.connection.collection('ledger_journals')
    const sale = await journals.findOne({ 'refs.orderId': order.id, kind: 'sale' })
    await journals.deleteOne({ _id: sale!._id })
    await run()
    const [opened] = (await itemsOf('open')).filter((i) => i.subject === order.id)
    expect(opened).toMatchObject({ kind: 'sale_not_in_ledger' })

    await journals.insertOne(sale!)
    const cleared = await run()
    expect(cleared.items.autoCleared).toBeGreaterThanOrEqual(1)
    expect(await pw.world.core.reconcile.getItem(admin(), opened!.id)).toMatchObject({
      status: 'auto_cleared',
      clearedAt: expect.any(String),
    })

    await journals.deleteOne({ _id: sale!._id })
    const again = await run()
    expect(again.items.opened).toContain(opened!.id)
    expect(await pw.world.core.reconcile.getItem(admin(), opened!.id)).toMatchObject({
      status: 'open',
      timesSeen: 2,
    })
    await journals.insertOne(sale!)
  })

  it('resolves an open item once, with the reason in the audit log', async () => {
    const reference = 'kg-0123456789abcdef0123bbbb'
    await aStrayCharge(pw, reference, 500_000)
    await run()
    const [item] = (await itemsOf('open')).filter((i) => i.subject === reference)
    const ctx = admin()
    const resolved = await pw.world.core.reconcile.resolveItem(ctx, item!.id, {
      reason: 'Refunded in the Paystack dashboard',
    })
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolution: 'Refunded in the Paystack dashboard',
      resolvedBy: expect.stringMatching(/^admin-cli:/),
    })
    const audit = await pw.world.core.audit.listFor(ctx, { type: 'reconcile_item', id: item!.id })
    expect(audit).toMatchObject([
      { action: 'reconcile.item_resolved', reason: 'Refunded in the Paystack dashboard' },
    ])
    await expect(
      pw.world.core.reconcile.resolveItem(ctx, item!.id, { reason: 'twice' }),
    ).rejects.toMatchObject({ code: 'item_not_open' })
    // A resolved item stays resolved when the mismatch is seen again.
    await run()
    expect(await pw.world.core.reconcile.getItem(ctx, item!.id)).toMatchObject({
      status: 'resolved',
    })
  })

  it('tells every administrator of a new item: an inbox item and a push on the admin channel', async () => {
    const { user } = await aVerifiedUser(pw.world, 'admin')
    const pushed: { event: string; itemId?: string }[] = []
    const stop = pw.world.core.events.on('reconcile.item_opened', (e) => {
      pushed.push(e)
    })
    const reference = 'kg-0123456789abcdef0123cccc'
    await aStrayCharge(pw, reference, 300_000)
    const report = await run()
    await pw.world.core.events.drain()
    stop()
    const [item] = (await itemsOf('open')).filter((i) => i.subject === reference)
    expect(report.items.opened).toContain(item!.id)
    expect(pushed).toContainEqual(expect.objectContaining({ itemId: item!.id }))
    const { channelsOf } = await import('../realtime/channels.js')
    expect(channelsOf(pushed.find((e) => e.itemId === item!.id) as never)).toEqual(['admin'])
    const inbox = await pw.world.core.notifications.list(
      userCtx(user.id, 'admin', pw.world.clock.now()),
      { limit: 20 },
    )
    expect(inbox.items).toContainEqual(
      expect.objectContaining({ type: 'reconcile', body: expect.stringContaining(item!.id) }),
    )
  })

  it('refuses to resolve without a reason, and a buyer anything', async () => {
    const [item] = await itemsOf('open')
    await expect(
      pw.world.core.reconcile.resolveItem(admin(), item!.id, { reason: '' }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
    const { user } = await aVerifiedUser(pw.world, 'buyer')
    await expect(
      pw.world.core.reconcile.listItems(userCtx(user.id, 'buyer'), { limit: 10 }),
    ).rejects.toMatchObject({ code: 'forbidden' })
  })
})
