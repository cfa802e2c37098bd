import { describe, expect, it } from '@jest/globals'
import { systemCtx } from '../shared/ctx.js'
import { adminCliCtx, aVerifiedUser, userCtx } from '../test-support/harness.js'
import {
  aBuyer,
  aCheckout,
  aPaidOrder,
  aStoreSelling,
  payOnCheckoutPage,
} from '../test-support/order-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'
import { AUTO_ANSWER_MARGIN_MS } from './chargebacks.js'

const { pw, world } = paystackWorldForSuite()

const admin = () => adminCliCtx(world.clock.now())
const raise = async (reference: string) => {
  const response = await fetch(`${pw.sandbox.url}/__sandbox/transactions/${reference}/chargeback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  expect(response.status).toBe(200)
  await pw.settle()
  return ((await response.json()) as { data: { id: number; dueAt: string } }).data
}
const sandboxDispute = async (id: number) =>
  (
    (await (
      await fetch(`${pw.sandbox.url}/dispute/${id}`, {
        headers: { authorization: `Bearer ${pw.secretKey}` },
      })
    ).json()) as {
      data: {
        status: string
        message: string | null
        history: { status: string; by: string }[]
        evidence: { service_details?: string } | null
      }
    }
  ).data
const casesOf = async (disputeId: number) =>
  (await world.core.disputes.list(admin(), { source: 'chargeback', limit: 100 })).items.filter(
    (d) => d.paystack?.disputeId === disputeId,
  )
const runJob = async () => {
  const run = await world.core.jobs.run(systemCtx('test', world.clock.now()), 'answer-chargebacks')
  await pw.settle()
  return run.result as { answered: number }
}

describe('answer-chargebacks', () => {
  it('declines an undecided chargeback with its evidence once, ahead of the deadline; leaves a decided one alone', async () => {
    const { user: anAdmin } = await aVerifiedUser(world, 'admin')
    const undecided = await aPaidOrder(pw)
    const decided = await aPaidOrder(pw)
    const left = await raise(undecided.result.payment.reference)
    const taken = await raise(decided.result.payment.reference)
    const [takenCase] = await casesOf(taken.id)
    await world.core.disputes.resolve(admin(), takenCase!.id, {
      decision: 'release',
      reason: 'Signed for at delivery',
    })
    const dueAt = new Date(left.dueAt).getTime()

    world.clock.set(new Date(dueAt - AUTO_ANSWER_MARGIN_MS - 60_000))
    expect(await runJob()).toEqual({ answered: 0 })
    expect((await sandboxDispute(left.id)).status).toBe('awaiting-merchant-feedback')

    world.clock.set(new Date(dueAt - AUTO_ANSWER_MARGIN_MS + 60_000))
    expect(await runJob()).toEqual({ answered: 1 })
    expect(await runJob()).toEqual({ answered: 0 })
    const remote = await sandboxDispute(left.id)
    expect(remote.status).toBe('awaiting-bank-feedback')
    expect(remote.history.filter((h) => h.by === 'merchant')).toHaveLength(1)
    expect(remote.evidence?.service_details).toContain(`Order ${undecided.order.id}`)
    const [answered] = await casesOf(left.id)
    expect(answered).toMatchObject({
      status: 'resolved',
      paystack: { evidenceSubmitted: true, status: 'awaiting-bank-feedback' },
    })
    expect(answered!.resolution).toMatchObject({
      outcome: 'release',
      decidedBy: 'system:answer-chargebacks',
    })
    const inbox = await world.core.notifications.list(
      userCtx(anAdmin.id, 'admin', world.clock.now()),
      { limit: 20 },
    )
    expect(inbox.items).toContainEqual(
      expect.objectContaining({
        type: 'dispute',
        title: `Chargeback on order ${undecided.order.id} answered automatically`,
      }),
    )
    // The decided one: one merchant answer at Paystack, the administrator's.
    expect(
      (await sandboxDispute(taken.id)).history.filter((h) => h.by === 'merchant'),
    ).toHaveLength(1)
  })

  it('answers a chargeback over several store orders once, with the evidence of every order', async () => {
    const first = await aStoreSelling(world, { price: 1_000_000 })
    const second = await aStoreSelling(world, { price: 700_000 })
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [
      { variantId: first.variant.id, quantity: 1 },
      { variantId: second.variant.id, quantity: 1 },
    ])
    await payOnCheckoutPage(result.payment.authorizationUrl)
    await pw.settle()
    const remote = await raise(result.payment.reference)
    expect(await casesOf(remote.id)).toHaveLength(2)
    // The evidence sent when the cases opened already covers both orders.
    for (const order of result.orders)
      expect((await sandboxDispute(remote.id)).evidence?.service_details).toContain(
        `Order ${order.id}`,
      )

    world.clock.set(new Date(new Date(remote.dueAt).getTime() - AUTO_ANSWER_MARGIN_MS + 60_000))
    expect(await runJob()).toEqual({ answered: 1 })
    const answered = await sandboxDispute(remote.id)
    expect(answered.history.filter((h) => h.by === 'merchant')).toHaveLength(1)
    for (const order of result.orders)
      expect(answered.evidence?.service_details).toContain(`Order ${order.id}`)
    expect((await casesOf(remote.id)).map((d) => d.status)).toEqual(['resolved', 'resolved'])
  })

  it('after a crash between the answer and the mark, marks the case without answering again', async () => {
    const made = await aPaidOrder(pw)
    const remote = await raise(made.result.payment.reference)
    // What a run that stopped after Paystack's call left: the keyed answer at Paystack only.
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${pw.sandbox.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${pw.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect(
      (
        await call('PUT', `/dispute/${remote.id}/resolve`, {
          resolution: 'declined',
          message: `[kloset-auto-answer:${remote.id}] declined`,
          refund_amount: 0,
          uploaded_filename: 'kloset-order-timeline.txt',
        })
      ).status,
    ).toBe(200)
    world.clock.set(new Date(new Date(remote.dueAt).getTime() - AUTO_ANSWER_MARGIN_MS + 60_000))
    expect(await runJob()).toEqual({ answered: 1 })
    expect(
      (await sandboxDispute(remote.id)).history.filter((h) => h.by === 'merchant'),
    ).toHaveLength(1)
    const [marked] = await casesOf(remote.id)
    expect(marked).toMatchObject({ status: 'resolved', paystack: { evidenceSubmitted: true } })
  })
})
