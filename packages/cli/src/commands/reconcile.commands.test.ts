import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Page, ReconcileItemDTO, ReconcileReport } from '@kloset/core'
import {
  adminCliCtx,
  anAccountNumber,
  aPaidOrder,
  aReleasedSale,
  aSellerWithPayoutAccount,
  aStrayCharge,
  paystackWorldForSuite,
} from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import ReconcileList from './reconcile/list.js'
import ReconcileResolve from './reconcile/resolve.js'
import ReconcileShow from './reconcile/show.js'
import Reconcile, { MISMATCH_EXIT_CODE } from './reconcile.js'

let today: string
const { pw } = paystackWorldForSuite()
beforeAll(async () => {
  today = new Date().toISOString().slice(0, 10)
})

const reconcile = async () => {
  const run = await runCommand(pw.world, Reconcile, ['--date', today, '--json'])
  return { run, report: run.json?.result as ReconcileReport }
}

describe('kloset reconcile', () => {
  it('reconciles a day whose charges, paid orders and ledger agree, with exit code 0', async () => {
    const { order } = await aPaidOrder(pw, { price: 1_500_000, quantity: 2 })
    const { run, report } = await reconcile()
    expect(run.exitCode).toBe(0)
    expect(report).toMatchObject({ date: today, ok: true, mismatches: [] })
    expect(report.checked.charges).toBeGreaterThanOrEqual(1)
    expect(report.checked.orders).toBeGreaterThanOrEqual(1)
    expect(order.id).toBeDefined()
  })

  it('reports a Paystack charge that paid no order, and exits non-zero', async () => {
    const reference = 'kg-0123456789abcdef01234567'
    await aStrayCharge(pw, reference)
    const { run, report } = await reconcile()
    expect(run.exitCode).toBe(MISMATCH_EXIT_CODE)
    expect(report.ok).toBe(false)
    expect(report.mismatches).toContainEqual(
      expect.objectContaining({
        kind: 'charge_without_paid_order',
        subject: reference,
        actual: 990_000,
      }),
    )
  })

  it('reports a paid order whose sale is missing from the ledger', async () => {
    const { order } = await aPaidOrder(pw)
    // A fault injected below the services: the sale journal lost (the ledger is append-only).
    await pw.world.core.connection
      .collection('ledger_journals')
      .deleteMany({ 'refs.orderId': order.id, kind: 'sale' })
    const { report } = await reconcile()
    expect(report.mismatches).toContainEqual(
      expect.objectContaining({ kind: 'sale_not_in_ledger', subject: order.id }),
    )
  })

  it('checks the day’s payout transfers against the payouts', async () => {
    const { store } = await aSellerWithPayoutAccount(pw.world)
    await aReleasedSale(pw.world, store.id, 400_000)
    pw.sandbox.topUp(10_000_000_000)
    await pw.world.core.payouts.runPeriod(adminCliCtx(pw.world.clock.now()))
    await pw.settle()
    const { report } = await reconcile()
    expect(report.checked.transfers).toBeGreaterThanOrEqual(1)
    expect(report.mismatches.filter((m) => m.kind.startsWith('transfer_'))).toEqual([])
  })

  it('reports a transfer that no payout made', async () => {
    const { paystack } = pw.world.core
    const recipient = await paystack.createTransferRecipient({
      name: 'Stray Recipient',
      accountNumber: anAccountNumber(),
      bankCode: '058',
      currency: 'NGN',
    })
    const reference = 'po_stray_transfer_0001'
    await paystack.initiateTransfer({
      amount: 12_345,
      recipient: recipient.recipientCode,
      reference,
      reason: 'not a payout',
      currency: 'NGN',
    })
    await pw.settle()
    const { run, report } = await reconcile()
    expect(run.exitCode).toBe(MISMATCH_EXIT_CODE)
    expect(report.mismatches).toContainEqual(
      expect.objectContaining({ kind: 'transfer_without_payout', subject: reference }),
    )
  })

  it('lists, shows and resolves the items a run stored', async () => {
    const reference = 'kg-0123456789abcdef0123eeee'
    await aStrayCharge(pw, reference, 770_000)
    const { report } = await reconcile()
    expect(report.items.opened.length).toBeGreaterThanOrEqual(1)
    const list = await runCommand(pw.world, ReconcileList, ['--status', 'open', '--json'])
    const items = (list.json!.result as Page<ReconcileItemDTO>).items
    const item = items.find((i) => i.subject === reference)!
    expect(item).toMatchObject({ kind: 'charge_without_paid_order', status: 'open' })
    const shown = await runCommand(pw.world, ReconcileShow, [item.id])
    expect(shown.stdout).toContain(`charge_without_paid_order on ${reference}, open`)
    const resolved = await runCommand(pw.world, ReconcileResolve, [
      item.id,
      '--reason',
      'Refunded by hand',
      '--json',
    ])
    expect(resolved.json?.result).toMatchObject({ item: { status: 'resolved' } })
    const open = await runCommand(pw.world, ReconcileList, ['--status', 'open', '--json'])
    expect((open.json!.result as Page<ReconcileItemDTO>).items.map((i) => i.id)).not.toContain(
      item.id,
    )
  })

  it('refuses a malformed date', async () => {
    const run = await runCommand(pw.world, Reconcile, ['--date', '2026-13-45', '--json'])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'validation_failed' } })
  })
})
