import { describe, expect, it } from '@jest/globals'
import { adminCliCtx } from '../test-support/harness.js'
import {
  aBuyer,
  aCheckout,
  anIdempotencyKey,
  aPaidOrder,
  aStoreSelling,
  payOnCheckoutPage,
} from '../test-support/order-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'
import { PAYMENT_RECHECK_AFTER_MINUTES } from './checkout.service.js'

// Jobs that ask Paystack when its webhook never came. Refunds stay pending in this sandbox until
// the test settles them.
const { pw, world } = paystackWorldForSuite({ refundDelayMs: 'manual' })

const admin = () => adminCliCtx(world.clock.now())
const recheck = () => world.core.jobs.run(admin(), 'recheck-pending-refunds')
/** REFUND_RECHECK_MINUTES as the test world has it (the default). */
const minutes = () => world.config.events.refundRecheckMinutes

/** A paid order refunded in full; Paystack holds the refund pending and will send no webhook. */
async function aRefundWhoseWebhookIsLost() {
  const { order } = await aPaidOrder(pw)
  pw.sandbox.setWebhookUrl(null)
  try {
    await world.core.refunds.refund(
      admin(),
      order.id,
      { reason: 'Arrived torn' },
      anIdempotencyKey(),
    )
  } finally {
    pw.sandbox.setWebhookUrl(pw.webhookUrl)
  }
  const [refund] = await world.core.refunds.forOrder(order.id)
  return { order, refund: refund! }
}

/** Paystack settles the refund on its side; the webhook that would tell us goes nowhere. */
async function paystackSettles(paystackRefundId: number, verb: 'process' | 'fail') {
  pw.sandbox.setWebhookUrl(null)
  try {
    const response = await fetch(
      `${pw.sandbox.url}/__sandbox/refunds/${paystackRefundId}/${verb}`,
      {
        method: 'POST',
      },
    )
    expect(response.status).toBe(200)
    await pw.sandbox.idle()
  } finally {
    pw.sandbox.setWebhookUrl(pw.webhookUrl)
  }
}

const refundJournals = async (orderId: string) =>
  (await world.core.ledger.journalsForOrder(admin(), orderId)).filter((j) => j.kind === 'refund')
    .length

describe('the recheck-pending-refunds job', () => {
  // First, while the test clock is still close to the wall clock: a refund's `createdAt` is
  // stamped by mongoose from the wall clock, and the job measures age on the core's clock.
  it('leaves a refund younger than the re-check age to its webhook', async () => {
    const { order, refund } = await aRefundWhoseWebhookIsLost()
    await paystackSettles(refund.paystackRefundId!, 'process')
    world.clock.advance((minutes() - 1) * 60_000)
    await recheck()
    const [after] = await world.core.refunds.forOrder(order.id)
    expect(after?.status).toBe('pending')
  })

  it('settles a refund Paystack processed when its webhook never came', async () => {
    const { order, refund } = await aRefundWhoseWebhookIsLost()
    await paystackSettles(refund.paystackRefundId!, 'process')
    world.clock.advance((minutes() + 1) * 60_000)
    const run = await recheck()
    expect((run.result as { settled: number }).settled).toBeGreaterThanOrEqual(1)
    const [after] = await world.core.refunds.forOrder(order.id)
    expect(after?.status).toBe('processed')
    expect(await refundJournals(order.id)).toBe(1)
  })

  it('marks failed a refund Paystack failed when its webhook never came', async () => {
    const { order, refund } = await aRefundWhoseWebhookIsLost()
    await paystackSettles(refund.paystackRefundId!, 'fail')
    world.clock.advance((minutes() + 1) * 60_000)
    await recheck()
    const [after] = await world.core.refunds.forOrder(order.id)
    expect(after?.status).toBe('failed')
  })

  it('keeps a refund Paystack still holds pending, and counts it', async () => {
    const { order } = await aRefundWhoseWebhookIsLost()
    world.clock.advance((minutes() + 1) * 60_000)
    const run = await recheck()
    expect((run.result as { stillPending: number }).stillPending).toBeGreaterThanOrEqual(1)
    const [after] = await world.core.refunds.forOrder(order.id)
    expect(after?.status).toBe('pending')
  })
})

describe('the recheck-unconfirmed-payments job', () => {
  it('confirms a paid checkout whose charge.success webhook was lost, once it is old enough', async () => {
    const store = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const checkout = await aCheckout(world, buyer.ctx, [
      { variantId: store.variant.id, quantity: 1 },
    ])
    const orderId = checkout.orders[0]!.id
    pw.sandbox.setWebhookUrl(null)
    try {
      await payOnCheckoutPage(checkout.payment.authorizationUrl)
      await pw.sandbox.idle()
    } finally {
      pw.sandbox.setWebhookUrl(pw.webhookUrl)
    }
    const status = async () => (await world.core.orders.get(admin(), orderId)).status
    await world.core.jobs.run(admin(), 'recheck-unconfirmed-payments')
    expect(await status()).toBe('pending') // too young: its webhook may still come

    world.clock.advance((PAYMENT_RECHECK_AFTER_MINUTES + 1) * 60_000)
    const run = await world.core.jobs.run(admin(), 'recheck-unconfirmed-payments')
    expect((run.result as { paid: number }).paid).toBeGreaterThanOrEqual(1)
    expect(await status()).toBe('processing')
  })
})
