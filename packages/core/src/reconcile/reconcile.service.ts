import { PLATFORM_ACCOUNTS } from '../ledger/ledger.accounts.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { OrdersService } from '../orders/orders.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import type { PaystackTransaction, PaystackTransfer } from '../payments/paystack/paystack.types.js'
import type { PayoutsService } from '../payouts/payouts.service.js'
import { type Ctx, requireAdminOrSystem } from '../shared/ctx.js'
import { ValidationError } from '../shared/errors.js'
import { CURRENCIES } from '../shared/money.js'
import type { Page } from '../shared/paging.js'
import type { ListReconcileItemsQuery, ResolveReconcileItemBody } from './reconcile.schemas.js'
import type { ReconcileItemDTO, ReconcileItems, RecordedRun } from './reconcile-items.js'
import { RefundChecks, type RefundChecksDeps } from './reconcile-refunds.js'

/** What can disagree between Paystack, our order groups and the ledger. */
export type MismatchKind =
  | 'charge_without_paid_order'
  | 'paid_order_without_charge'
  | 'amount_mismatch'
  | 'sale_not_in_ledger'
  | 'ledger_gross_mismatch'
  | 'trial_balance_unbalanced'
  | 'transfer_without_payout'
  | 'transfer_amount_mismatch'
  | 'fee_mismatch'
  | 'balance_mismatch'
  | 'refund_without_paystack_refund'
  | 'paystack_refund_unrecorded'
  | 'refund_amount_mismatch'
  | 'refund_not_in_ledger'

export interface Mismatch {
  kind: MismatchKind
  /**
   * The payment reference (`kg-<group id>`), a transfer reference, an order id, a refund id (ours,
   * or Paystack's numeric id for `paystack_refund_unrecorded`), or a currency.
   */
  subject: string
  message: string
  expected?: number
  actual?: number
}

export interface ReconcileReport {
  /** The UTC day reconciled, `YYYY-MM-DD`. */
  date: string
  from: string
  to: string
  checked: {
    charges: number
    paidGroups: number
    orders: number
    transfers: number
    /** Our refunds processed that day. */
    refunds: number
    /** Paystack's refunds of `kg-` charges processed that day. */
    paystackRefunds: number
    currencies: number
  }
  mismatches: Mismatch[]
  ok: boolean
  /** What the run did to the stored reconcile items. */
  items: RecordedRun
}

/** Checks not tied to the day reconciled: any run clears their items once they agree. */
export const EVERY_RUN_KINDS: readonly MismatchKind[] = [
  'trial_balance_unbalanced',
  'balance_mismatch',
]

const DAY_MS = 86_400_000
const PAGE = 100
/** Paystack's list filters on creation time: a charge paid on the day may be created before it. */
const CREATED_BEFORE_MS = DAY_MS

interface DayWindow {
  from: Date
  to: Date
}

type PaidGroup = Awaited<ReturnType<OrdersService['paidGroups']>>[number]

/** The UTC day `[date, date + 1 day)`. @throws ValidationError for a date that is not `YYYY-MM-DD`. */
function dayWindow(date: string): DayWindow {
  const from = new Date(`${date}T00:00:00Z`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(from.getTime())) {
    throw new ValidationError('Invalid date', { date: 'must be a date, YYYY-MM-DD' })
  }
  return { from, to: new Date(from.getTime() + DAY_MS) }
}

/**
 * Reconciliation of one UTC day, as named checks: every successful Paystack charge paid that day
 * against our paid order groups (both ways, amounts and fees included), every paid group's store
 * orders against their sale journals in the ledger, the day's payout transfers against our
 * payouts, the day's refunds against Paystack's and the ledger (reconcile-refunds.ts), the trial
 * balance of every currency and Paystack's balance. A mismatch is
 * never repaired: fixing money is a person's decision. Every mismatch is stored as a reconcile
 * item (reconcile-items.ts) that an administrator resolves (docs/operations.md).
 */
export class ReconcileService {
  private refundChecks: RefundChecks

  constructor(
    private deps: {
      paystack: PaystackClient
      orders: OrdersService
      ledger: LedgerService
      payouts: Pick<PayoutsService, 'get'>
      refunds: RefundChecksDeps['refunds']
      items: ReconcileItems
    },
  ) {
    this.refundChecks = new RefundChecks(deps)
  }

  /** @throws ValidationError for a date that is not `YYYY-MM-DD`. */
  async reconcileDay(ctx: Ctx, date: string): Promise<ReconcileReport> {
    requireAdminOrSystem(ctx)
    const window = dayWindow(date)
    const mismatches: Mismatch[] = []
    const { charges, groups } = await this.checkCharges(ctx, window, mismatches)
    const orders = await this.checkPaidGroups(ctx, groups, charges, mismatches)
    const transfers = await this.checkTransfers(ctx, window, mismatches)
    const refunds = await this.refundChecks.check(ctx, window, mismatches)
    await this.checkTrialBalances(ctx, mismatches)
    await this.checkBalance(ctx, mismatches)
    const items = await this.deps.items.record(ctx, date, mismatches, EVERY_RUN_KINDS)
    return {
      date,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      checked: {
        charges: charges.length,
        paidGroups: groups.length,
        orders,
        transfers,
        ...refunds,
        currencies: CURRENCIES.length,
      },
      mismatches,
      ok: mismatches.length === 0,
      items,
    }
  }

  /** The stored reconcile items, newest first, by status. Administrators only. */
  listItems(ctx: Ctx, query: ListReconcileItemsQuery): Promise<Page<ReconcileItemDTO>> {
    return this.deps.items.list(ctx, query)
  }

  /** One reconcile item. @throws NotFoundError */
  getItem(ctx: Ctx, id: string): Promise<ReconcileItemDTO> {
    return this.deps.items.get(ctx, id)
  }

  /**
   * Resolves an open item with what was done about it; audit-logged.
   * @throws NotFoundError, InvalidStateError `item_not_open`.
   */
  resolveItem(ctx: Ctx, id: string, input: ResolveReconcileItemBody): Promise<ReconcileItemDTO> {
    return this.deps.items.resolve(ctx, id, input)
  }

  /**
   * Every successful `kg-` charge paid in the window against our paid order group of that
   * reference (found by reference when it was marked paid just across midnight), amounts and fee
   * included. Returns the day's charges and paid groups for the groups' check.
   */
  private async checkCharges(
    ctx: Ctx,
    { from, to }: DayWindow,
    mismatches: Mismatch[],
  ): Promise<{ charges: PaystackTransaction[]; groups: PaidGroup[] }> {
    const charges = (await this.chargesPaidBetween(from, to)).filter((c) =>
      c.reference.startsWith('kg-'),
    )
    const groups = await this.deps.orders.paidGroups(ctx, { from, to })
    const groupByRef = new Map(groups.map((g) => [g.reference, g]))
    for (const charge of charges) {
      const group =
        groupByRef.get(charge.reference) ?? (await this.groupByReference(ctx, charge.reference))
      if (group?.status !== 'paid') {
        mismatches.push({
          kind: 'charge_without_paid_order',
          subject: charge.reference,
          message: `Paystack charged ${charge.amount} ${charge.currency} but no order group is paid for it`,
          actual: charge.amount,
        })
      } else if (group.total !== charge.amount || group.currency !== charge.currency) {
        mismatches.push({
          kind: 'amount_mismatch',
          subject: charge.reference,
          message: `the group totals ${group.total} ${group.currency}, Paystack charged ${charge.amount} ${charge.currency}`,
          expected: group.total,
          actual: charge.amount,
        })
      } else {
        await this.checkFee(ctx, charge, mismatches)
      }
    }
    return { charges, groups }
  }

  /**
   * Every group paid in the window has a successful charge of its total (verified by reference
   * when it is not among the day's charges), and its store orders' sale journals add up to it.
   * Returns the number of store orders checked.
   */
  private async checkPaidGroups(
    ctx: Ctx,
    groups: PaidGroup[],
    charges: PaystackTransaction[],
    mismatches: Mismatch[],
  ): Promise<number> {
    const chargeRefs = new Set(charges.map((c) => c.reference))
    let orders = 0
    for (const group of groups) {
      if (!chargeRefs.has(group.reference)) await this.checkUnlistedCharge(group, mismatches)
      orders += group.orderIds.length
      await this.checkSales(ctx, group, mismatches)
    }
    return orders
  }

  /** A paid group whose charge is not among the day's: Paystack's verify answer must agree. */
  private async checkUnlistedCharge(group: PaidGroup, mismatches: Mismatch[]): Promise<void> {
    const verified = await this.deps.paystack
      .verifyTransaction(group.reference)
      .catch(() => undefined)
    if (verified?.status !== 'success' || verified.amount !== group.total) {
      mismatches.push({
        kind: 'paid_order_without_charge',
        subject: group.reference,
        message: `the group is paid (${group.total} ${group.currency}) but Paystack has ${verified ? `${verified.status} ${verified.amount}` : 'no such charge'}`,
        expected: group.total,
        ...(verified ? { actual: verified.amount } : {}),
      })
    }
  }

  /** Each store order of a paid group has a sale journal, and their cash adds up to its total. */
  private async checkSales(ctx: Ctx, group: PaidGroup, mismatches: Mismatch[]): Promise<void> {
    let booked = 0
    let missing = false
    for (const orderId of group.orderIds) {
      const journals = await this.deps.ledger.journalsForOrder(ctx, orderId)
      const sale = journals.find((j) => j.kind === 'sale')
      if (!sale) {
        missing = true
        mismatches.push({
          kind: 'sale_not_in_ledger',
          subject: orderId,
          message: `order ${orderId} of ${group.reference} is paid but has no sale journal`,
        })
        continue
      }
      booked += sale.entries
        .filter((e) => e.account === 'platform:cash')
        .reduce((sum, e) => sum + e.amount, 0)
    }
    if (booked !== group.total && !missing) {
      mismatches.push({
        kind: 'ledger_gross_mismatch',
        subject: group.reference,
        message: `the ledger booked ${booked} for a group of ${group.total}`,
        expected: group.total,
        actual: booked,
      })
    }
  }

  /**
   * Every successful payout transfer created in the window is a payout of ours, of the same
   * amount. Returns the number of transfers checked.
   */
  private async checkTransfers(
    ctx: Ctx,
    { from, to }: DayWindow,
    mismatches: Mismatch[],
  ): Promise<number> {
    const transfers = (await this.transfersCreatedBetween(from, to)).filter(
      (t) => t.status === 'success',
    )
    for (const transfer of transfers) {
      const payout = await this.deps.payouts.get(ctx, transfer.reference).catch(() => undefined)
      if (!payout) {
        mismatches.push({
          kind: 'transfer_without_payout',
          subject: transfer.reference,
          message: `Paystack sent ${transfer.amount} ${transfer.currency} under a reference no payout has`,
          actual: transfer.amount,
        })
      } else if (payout.amount !== transfer.amount) {
        mismatches.push({
          kind: 'transfer_amount_mismatch',
          subject: transfer.reference,
          message: `the payout is ${payout.amount}, Paystack sent ${transfer.amount}`,
          expected: payout.amount,
          actual: transfer.amount,
        })
      }
    }
    return transfers.length
  }

  /** Debits equal credits in every currency's ledger. */
  private async checkTrialBalances(ctx: Ctx, mismatches: Mismatch[]): Promise<void> {
    for (const currency of CURRENCIES) {
      const trial = await this.deps.ledger.trialBalance(ctx, currency)
      if (!trial.balanced) {
        mismatches.push({
          kind: 'trial_balance_unbalanced',
          subject: currency,
          message: `debits and credits differ by ${trial.difference}`,
          actual: trial.difference,
        })
      }
    }
  }

  /** Paystack's fee on a charge is booked once in the ledger, to the kobo (`fee:<reference>`). */
  private async checkFee(
    ctx: Ctx,
    charge: PaystackTransaction,
    mismatches: Mismatch[],
  ): Promise<void> {
    const fees = charge.fees ?? 0
    const journal = await this.deps.ledger.journalByKey(ctx, `fee:${charge.reference}`)
    const booked =
      journal?.entries.find((e) => e.account === PLATFORM_ACCOUNTS.processingFees)?.amount ?? 0
    if (booked !== fees) {
      mismatches.push({
        kind: 'fee_mismatch',
        subject: charge.reference,
        message: `Paystack took ${fees} ${charge.currency} in fees, the ledger booked ${booked}`,
        expected: fees,
        actual: booked,
      })
    }
  }

  /**
   * What Paystack holds, per currency, against what the ledger says is there: platform cash
   * (charges less refunds, settled transfers and fees) less the transfers still in transit,
   * which Paystack took from the balance when it sent them.
   */
  private async checkBalance(ctx: Ctx, mismatches: Mismatch[]): Promise<void> {
    const balances = await this.deps.paystack.fetchBalance()
    for (const currency of CURRENCIES) {
      const cash = await this.deps.ledger.balance(ctx, PLATFORM_ACCOUNTS.cash, currency)
      const inTransit = await this.deps.ledger.balance(
        ctx,
        PLATFORM_ACCOUNTS.payoutsInTransit,
        currency,
      )
      // In transit is credit-normal: its sum is negative while transfers are on their way.
      const expected = cash + inTransit
      const actual = balances.find((b) => b.currency === currency)?.balance ?? 0
      if (actual !== expected) {
        mismatches.push({
          kind: 'balance_mismatch',
          subject: currency,
          message: `the ledger says Paystack holds ${expected} ${currency}, Paystack's balance is ${actual}`,
          expected,
          actual,
        })
      }
    }
  }

  private async groupByReference(ctx: Ctx, reference: string) {
    return (await this.deps.orders.paidGroups(ctx, { reference }))[0]
  }

  /** Transfers created in `[from, to)`, from every page of Paystack's list. */
  private async transfersCreatedBetween(from: Date, to: Date): Promise<PaystackTransfer[]> {
    const found: PaystackTransfer[] = []
    for (let page = 1; ; page++) {
      const items = await this.deps.paystack.listTransfers({
        from: from.toISOString(),
        to: to.toISOString(),
        page,
        perPage: PAGE,
      })
      for (const t of items) {
        const createdAt = t.createdAt ? Date.parse(t.createdAt) : Number.NaN
        if (createdAt >= from.getTime() && createdAt < to.getTime()) found.push(t)
      }
      if (items.length < PAGE) return found
    }
  }

  /** Successful charges whose `paidAt` falls in `[from, to)`, from every page of Paystack's list. */
  private async chargesPaidBetween(from: Date, to: Date): Promise<PaystackTransaction[]> {
    const found: PaystackTransaction[] = []
    for (let page = 1; ; page++) {
      const items = await this.deps.paystack.listTransactions({
        from: new Date(from.getTime() - CREATED_BEFORE_MS).toISOString(),
        to: to.toISOString(),
        status: 'success',
        page,
        perPage: PAGE,
      })
      for (const t of items) {
        const paidAt = t.paidAt ? Date.parse(t.paidAt) : Number.NaN
        if (paidAt >= from.getTime() && paidAt < to.getTime()) found.push(t)
      }
      if (items.length < PAGE) return found
    }
  }
}
