import { op } from '../db/query.js'
import { type Ctx, describeActor } from '../shared/ctx.js'
import type { StoreDTO } from '../stores/store.types.js'
import { payableOf, payoutCoverage } from './payout.coverage.js'
import { PAYOUT_CURRENCY, payoutRunItemOf } from './payout.dto.js'
import type { PayoutDoc } from './payout.model.js'
import { transferReferenceOf } from './payout.period.js'
import type { PayoutTransfers } from './payout.transfers.js'
import { UNFINISHED_STATUSES } from './payout.transitions.js'
import type { PayoutRunItem, PayoutRunResult } from './payout.types.js'
import type { PayoutAccountDoc } from './payout-account.model.js'
import type { PayoutsDeps } from './payouts.service.js'

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000

/** A store that a run will pay, with what it had when the run looked. */
interface Candidate {
  store: StoreDTO
  account: PayoutAccountDoc
  balances: { pending: number; available: number; inTransit: number; paid: number }
  /** What the payout pays: available less what open disputes freeze. */
  payable: number
}

/**
 * One payout run over a period (`PayoutsService.runPeriod` holds the lock): the unfinished
 * payouts of earlier runs first, then a survey of what each store is owed, a payout claimed per
 * store (step 1: unique per store and period), and the transfers (payout.transfers.ts) for all
 * of them. `plan` is the same survey, writing nothing.
 */
export class PayoutRun {
  constructor(
    private deps: PayoutsDeps,
    private transfers: PayoutTransfers,
  ) {}

  /** What a run would do, without writing anything or calling Paystack. */
  async plan(ctx: Ctx, period: string): Promise<PayoutRunResult> {
    const unfinished = await this.unfinished()
    const survey = await this.survey(ctx, period, unfinished)
    const items: PayoutRunItem[] = [
      ...unfinished.map((doc) => ({ ...payoutRunItemOf(doc), outcome: 'would_resume' as const })),
      ...survey.candidates.map((c) => ({
        storeId: c.store.id,
        storeName: c.store.name,
        amount: c.payable,
        outcome: 'would_pay' as const,
        period,
        reference: transferReferenceOf(c.store.id, period, 1),
      })),
      ...survey.items,
    ]
    return this.result(period, true, items, [])
  }

  async execute(ctx: Ctx, period: string): Promise<PayoutRunResult> {
    await this.transfers.checkStalePending(ctx)
    // Earlier runs' unfinished payouts go first, so the balances read next are net of them.
    const unfinished = await this.unfinished()
    const resumed = await this.transfers.send(ctx, unfinished)
    const survey = await this.survey(ctx, period, unfinished)
    const created: PayoutDoc[] = []
    for (const candidate of survey.candidates) {
      created.push(await this.create(ctx, period, candidate))
    }
    const sent = [...resumed, ...(await this.transfers.send(ctx, created))]
    const warnings: string[] = []
    if (sent.some((item) => item.outcome === 'otp_required')) {
      warnings.push(
        'Paystack requires an OTP for transfers on this integration. Automated payouts need it off ' +
          '(Paystack dashboard: Settings > Preferences > Transfers); finish these with ' +
          '`kloset payouts finalize <id> --otp <code>`.',
      )
    }
    if (sent.some((item) => item.outcome === 'unconfirmed')) {
      warnings.push(
        'Paystack did not answer for some payouts; run `kloset payouts run` again to resume them ' +
          '(the same references are sent, so nobody is paid twice).',
      )
    }
    const result = this.result(period, false, [...sent, ...survey.items], warnings)
    await this.deps.audit.record(
      ctx,
      'payouts.run',
      { type: 'payout_run', id: period },
      { details: { count: result.totals.count, amount: result.totals.amount } },
    )
    return result
  }

  /** Payouts a crash or an unanswered call left in `created` or `sending`, oldest first. */
  private async unfinished(): Promise<PayoutDoc[]> {
    return this.deps.payouts
      .find({ status: op({ $in: UNFINISHED_STATUSES }) })
      .sort({ _id: 1 })
      .lean()
  }

  /**
   * Reads what a run would pay in the period and which stores it leaves out, with the reason
   * (only stores with money available are mentioned). The stores come from the ledger's
   * available balances, not from payout accounts, so a store owed money that cannot be paid
   * (`no_payout_account`, `held_until …`, `store_suspended`, `below_minimum`) is still reported.
   * `handled` payouts are reported elsewhere.
   */
  private async survey(ctx: Ctx, period: string, handled: PayoutDoc[]) {
    const handledIds = new Set(handled.map((doc) => String(doc._id)))
    const owed = (await this.deps.ledger.availableBalances(ctx, PAYOUT_CURRENCY)).filter(
      (row) => row.available > 0,
    )
    const thisPeriod = await this.deps.payouts.find({ period }).lean()
    const storeIds = [
      ...new Set([...thisPeriod.map((doc) => doc.storeId), ...owed.map((row) => row.storeId)]),
    ]
    const stores = new Map(
      (await this.deps.stores.getStores(storeIds)).map((store) => [store.id, store]),
    )
    const accounts = new Map(
      (await this.deps.accounts.all()).map((account) => [account.storeId, account]),
    )
    const candidates: Candidate[] = []
    const items: PayoutRunItem[] = []
    for (const doc of thisPeriod) {
      if (handledIds.has(String(doc._id))) continue
      const storeName = stores.get(doc.storeId)?.name
      items.push({
        ...payoutRunItemOf(doc),
        ...(storeName ? { storeName } : {}),
        outcome: 'exists',
      })
    }
    const paidThisPeriod = new Set(thisPeriod.map((doc) => doc.storeId))
    for (const { storeId, available } of owed) {
      if (paidThisPeriod.has(storeId)) continue
      const store = stores.get(storeId)
      const account = accounts.get(storeId)
      const skip = (reason: string, amount = available) =>
        items.push({
          storeId,
          ...(store ? { storeName: store.name } : {}),
          amount,
          outcome: 'skipped',
          reason,
        })
      if (!store) skip('store_not_found')
      else if (store.status === 'suspended') skip('store_suspended')
      else if (!account) skip('no_payout_account')
      else if (account.payoutsHeldUntil && account.payoutsHeldUntil > ctx.now) {
        skip(`held_until ${account.payoutsHeldUntil.toISOString()}`)
      } else if (available < this.minimumFor(store)) skip('below_minimum')
      else {
        // The whole snapshot, read again: it is what the payout records and pays.
        const balances = await this.deps.ledger.storeBalances(ctx, storeId, PAYOUT_CURRENCY)
        const { payable, frozen } = await payableOf(this.deps, ctx, storeId, balances.available)
        if (payable < this.minimumFor(store)) {
          skip(frozen > 0 ? 'frozen_by_disputes' : 'below_minimum', payable)
        } else candidates.push({ store, account, balances, payable })
      }
    }
    return { candidates, items }
  }

  /** The least a payout sends to the store: its plan's minimum, else PAYOUT_MINIMUM_KOBO. */
  private minimumFor(store: StoreDTO): number {
    return store.plan.payoutMinimumKobo ?? this.deps.settings.minimumKobo
  }

  /** Claims the store's payout of the period; a concurrent claim's document is returned instead. */
  private async create(ctx: Ctx, period: string, candidate: Candidate): Promise<PayoutDoc> {
    const { store, account, balances, payable } = candidate
    try {
      const doc = await this.deps.payouts.create({
        storeId: store.id,
        period,
        currency: PAYOUT_CURRENCY,
        amount: payable,
        attempt: 1,
        reference: transferReferenceOf(store.id, period, 1),
        status: 'created',
        ...destinationOf(account),
        balanceBefore: balances,
        covers: await payoutCoverage(this.deps, ctx, store.id),
        attempts: [],
        createdBy: describeActor(ctx.actor),
      })
      return doc.toObject()
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      const winner = await this.deps.payouts.findOne({ storeId: store.id, period }).lean()
      if (!winner) throw error
      return winner
    }
  }

  private result(
    period: string,
    dryRun: boolean,
    items: PayoutRunItem[],
    warnings: string[],
  ): PayoutRunResult {
    const counted = items.filter((item) =>
      ['would_pay', 'would_resume', 'sent', 'paid', 'otp_required'].includes(item.outcome),
    )
    return {
      period,
      dryRun,
      currency: PAYOUT_CURRENCY,
      minimumPayout: this.deps.settings.minimumKobo,
      items,
      totals: {
        count: counted.length,
        amount: counted.reduce((sum, item) => sum + item.amount, 0),
      },
      warnings,
    }
  }
}

/** Where a payout goes: the account's Paystack recipient, as the payout records it. */
export function destinationOf(account: PayoutAccountDoc) {
  return {
    recipientCode: account.recipientCode,
    bankName: account.bankName,
    accountName: account.accountName,
    accountNumberLast4: account.accountNumberLast4,
  }
}
