import { describe, expect, it } from '@jest/globals'
import type { DisputeDTO } from '@kloset/core'
import { adminCliCtx, aPaidOrder, paystackWorldForSuite } from '@kloset/core/testing'
import { type Ok, runCommand } from '../test-support/run-command.js'
import DisputesList from './disputes/list.js'
import DisputesResolve from './disputes/resolve.js'
import DisputesShow from './disputes/show.js'

const { pw, world } = paystackWorldForSuite()

const now = <T extends { now: Date }>(ctx: T): T => ({ ...ctx, now: world.clock.now() })

/** A delivered ₦10,000 order with an open case on it. */
async function anOpenCase(): Promise<{ dispute: DisputeDTO; orderId: string }> {
  const { store, buyer, order } = await aPaidOrder(pw)
  await world.core.orders.ship(now(store.seller), order.id, {
    carrier: 'DHL',
    trackingNumber: 'DHL-909',
  })
  await world.core.orders.confirmDelivery(now(buyer.ctx), order.id)
  const dispute = await world.core.disputes.open(now(buyer.ctx), order.id, {
    reason: 'wrong_item',
    description: 'Sent a blue one, ordered red',
  })
  return { dispute, orderId: order.id }
}

describe('kloset disputes list and show', () => {
  it('lists open cases awaiting the seller as JSON', async () => {
    const { dispute } = await anOpenCase()
    const run = await runCommand(world, DisputesList, ['--status', 'awaiting_seller', '--json'])
    expect(run.exitCode).toBe(0)
    const { result } = run.json as unknown as Ok<{ items: DisputeDTO[] }>
    expect(result.items.map((d) => d.id)).toContain(dispute.id)
  })

  it('shows a case with its evidence and history for people', async () => {
    const { dispute } = await anOpenCase()
    const run = await runCommand(world, DisputesShow, [dispute.id])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('₦10,000.00')
    expect(run.stdout).toContain('· → awaiting_seller')
  })
})

describe('kloset disputes resolve', () => {
  it('changes nothing under --dry-run', async () => {
    const { dispute } = await anOpenCase()
    const run = await runCommand(world, DisputesResolve, [
      dispute.id,
      '--refund',
      'partial',
      '--amount',
      '250000',
      '--reason',
      'Colour off',
      '--dry-run',
      '--json',
    ])
    const { result } = run.json as unknown as Ok<{
      settlement: { outcome: string; amount: number }
    }>
    expect(result.settlement).toMatchObject({ outcome: 'refund_partial', amount: 250_000 })
    expect((await world.core.disputes.get(adminCliCtx(), dispute.id)).status).toBe(
      'awaiting_seller',
    )
  })

  it('refuses under --json without --yes', async () => {
    const { dispute } = await anOpenCase()
    const run = await runCommand(world, DisputesResolve, [
      dispute.id,
      '--release',
      '--reason',
      'Matches the listing',
      '--json',
    ])
    expect(run.json?.error?.code).toBe('confirmation_required')
  })

  it('refuses --refund partial without --amount and changes nothing', async () => {
    const { dispute } = await anOpenCase()
    const run = await runCommand(world, DisputesResolve, [
      dispute.id,
      '--refund',
      'partial',
      '--reason',
      'Colour off',
      '--yes',
      '--json',
    ])
    expect(run.exitCode).not.toBe(0)
    expect(run.json?.error?.code).toBe('validation_failed')
    expect((await world.core.disputes.get(adminCliCtx(), dispute.id)).status).toBe(
      'awaiting_seller',
    )
  })

  it('refunds in full with --yes and the refund is processed', async () => {
    const { dispute, orderId } = await anOpenCase()
    const run = await runCommand(world, DisputesResolve, [
      dispute.id,
      '--refund',
      'full',
      '--reason',
      'Wrong item sent',
      '--yes',
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    await pw.settle()
    const explained = await world.core.orders.explain(adminCliCtx(), orderId)
    expect(explained.order).toMatchObject({ status: 'resolved', refundedAmount: 1_000_000 })
    expect(explained.refunds).toEqual([expect.objectContaining({ status: 'processed' })])
  })
})
