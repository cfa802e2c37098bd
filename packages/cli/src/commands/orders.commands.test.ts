import { describe, expect, it } from '@jest/globals'
import { adminCliCtx, aPaidOrder, paystackWorldForSuite } from '@kloset/core/testing'
import { type Ok, runCommand } from '../test-support/run-command.js'
import OrdersExplain from './orders/explain.js'
import OrdersList from './orders/list.js'
import OrdersRefund from './orders/refund.js'
import OrdersShow from './orders/show.js'
import OrdersTrack from './orders/track.js'

const { pw, world } = paystackWorldForSuite()

describe('kloset orders list, show and explain', () => {
  it('lists a store’s orders by status as JSON', async () => {
    const { store, order } = await aPaidOrder(pw)
    const run = await runCommand(world, OrdersList, [
      '--store',
      store.store.id,
      '--status',
      'processing',
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    const { result } = run.json as unknown as Ok<{ items: { id: string }[] }>
    expect(result.items.map((o) => o.id)).toEqual([order.id])
  })

  it('shows an order with money formatted for people', async () => {
    const { order } = await aPaidOrder(pw)
    const run = await runCommand(world, OrdersShow, [order.id])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('₦10,000.00')
    expect(run.stdout).toContain('pending → processing')
  })

  it('explains who can move a processing order where next', async () => {
    const { order } = await aPaidOrder(pw)
    const run = await runCommand(world, OrdersExplain, [order.id, '--json'])
    const { result } = run.json as unknown as Ok<{ next: { to: string; who: string[] }[] }>
    expect(result.next).toEqual([
      { to: 'shipped', who: ['seller'] },
      { to: 'cancelled', who: ['buyer', 'seller'] },
    ])
  })

  it('exits with not_found for an unknown order', async () => {
    const run = await runCommand(world, OrdersShow, ['0123456789abcdef01234567', '--json'])
    expect(run.exitCode).not.toBe(0)
    expect(run.json?.error?.code).toBe('not_found')
  })
})

describe('kloset orders refund', () => {
  it('changes nothing under --dry-run', async () => {
    const { order } = await aPaidOrder(pw)
    const run = await runCommand(world, OrdersRefund, [
      order.id,
      '--reason',
      'Damaged box',
      '--dry-run',
      '--json',
    ])
    const { result } = run.json as unknown as Ok<{ amount: number; dryRun: boolean }>
    expect(result).toMatchObject({ amount: 1_000_000, dryRun: true })
    expect((await world.core.orders.get(adminCliCtx(), order.id)).refundedAmount).toBe(0)
  })

  it('refuses to refund under --json without --yes', async () => {
    const { order } = await aPaidOrder(pw)
    const run = await runCommand(world, OrdersRefund, [
      order.id,
      '--reason',
      'Damaged box',
      '--json',
    ])
    expect(run.json?.error?.code).toBe('confirmation_required')
    expect((await world.core.orders.get(adminCliCtx(), order.id)).refundedAmount).toBe(0)
  })

  it('refunds part of an order with --yes, and the refund is processed', async () => {
    const { order } = await aPaidOrder(pw)
    const run = await runCommand(world, OrdersRefund, [
      order.id,
      '--amount',
      '400000',
      '--reason',
      'Missing belt',
      '--yes',
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    await pw.settle()
    const explained = await world.core.orders.explain(adminCliCtx(), order.id)
    expect(explained.order.refundedAmount).toBe(400_000)
    expect(explained.refunds).toEqual([
      expect.objectContaining({ amount: 400_000, status: 'processed' }),
    ])
  })

  it('refuses more than is left to refund', async () => {
    const { order } = await aPaidOrder(pw)
    const run = await runCommand(world, OrdersRefund, [
      order.id,
      '--amount',
      '1000001',
      '--reason',
      'Too much',
      '--yes',
      '--json',
    ])
    expect(run.json?.error?.code).toBe('refund_exceeds_paid')
  })
})

async function aShippedOrderId(): Promise<string> {
  const { store, order } = await aPaidOrder(pw)
  await world.core.orders.ship(store.seller, order.id, {
    carrier: 'DHL',
    trackingNumber: 'DHL-555',
  })
  return order.id
}

describe('kloset orders track', () => {
  it('posts an administrator’s checkpoint that the order then shows', async () => {
    const orderId = await aShippedOrderId()
    const run = await runCommand(world, OrdersTrack, [
      orderId,
      '--status',
      'failed_attempt',
      '--note',
      'Nobody home',
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    const tracking = await world.core.orders.tracking(adminCliCtx(world.clock.now()), orderId)
    expect(tracking.checkpoints).toEqual([
      expect.objectContaining({ status: 'failed_attempt', note: 'Nobody home', postedBy: 'admin' }),
    ])
  })

  it('refuses a delivered checkpoint with exit 4', async () => {
    const orderId = await aShippedOrderId()
    const run = await runCommand(world, OrdersTrack, [orderId, '--status', 'delivered', '--json'])
    expect(run.exitCode).toBe(4)
    expect(run.json?.error?.code).toBe('transition_not_allowed')
  })
})
