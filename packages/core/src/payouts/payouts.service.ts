import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import type { Locks } from '../jobs/lock.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates, type RenderedMail } from '../mail/templates.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import { PaystackRejectedError } from '../payments/paystack/paystack.errors.js'
import type {
  InitiateTransferInput,
  PaystackTransferStatus,
} from '../payments/paystack/paystack.types.js'
import type { Clock } from '../shared/clock.js'
import type { PayoutSettings } from '../shared/config.js'
import { type Ctx, describeActor, isAdmin, requireRole, systemCtx } from '../shared/ctx.js'
import {
  type AppError,
  ConflictError,
  InvalidStateError,
  isAppError,
  NotFoundError,
  ValidationError,
} from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import type { Logger } from '../shared/logger.js'
import { type Currency, formatMoney } from '../shared/money.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import type { StoreOwners } from '../stores/store.service.js'
import type { StoreDTO, StoreLookup } from '../stores/store.types.js'
import {
  IN_FLIGHT_STATUSES,
  type PayoutAttempt,
  type PayoutCoverage,
  type PayoutDoc,
  type PayoutModel,
  type PayoutStatus,
  UNFINISHED_STATUSES,
} from './payout.model.js'
import { comparePeriods, nextPayoutRun, periodOf, transferReferenceOf } from './payout.period.js'
import {
  type FinalizePayoutInput,
  finalizePayoutInput,
  type ListPayoutsQuery,
  listPayoutsQuery,
  type RunPayoutsInput,
  runPayoutsInput,
  type SellerPayoutsQuery,
  sellerPayoutsQuery,
} from './payout.schemas.js'
import type {
  PayoutDetailDTO,
  PayoutDTO,
  PayoutRunItem,
  PayoutRunResult,
  SellerBalanceDTO,
} from './payout.types.js'
import type { PayoutAccountDoc } from './payout-account.model.js'
import type { PayoutAccountsService } from './payout-accounts.service.js'

export interface PayoutsDeps {
  payouts: PayoutModel
  accounts: Pick<PayoutAccountsService, 'all' | 'forStore'>
  ledger: Pick<
    LedgerService,
    | 'storeBalances'
    | 'recordPayoutSent'
    | 'recordPayoutSettled'
    | 'recordPayoutFailed'
    | 'recordPayoutReversedAfterSettlement'
    | 'availableBalances'
    | 'listEntriesForStore'
    | 'journalByKey'
  >
  stores: Pick<StoreLookup, 'requireOwnStore' | 'getStore' | 'getStores'>
  owners: StoreOwners
  paystack: Pick<
    PaystackClient,
    'initiateTransfer' | 'initiateBulkTransfer' | 'verifyTransfer' | 'finalizeTransfer'
  >
  /** Keeps two payout runs (scheduler, CLI, another host) from overlapping. */
  locks: Locks
  mail: MailService
  audit: AuditService
  events: EventBus
  clock: Clock
  logger: Logger
  settings: Pick<PayoutSettings, 'minimumKobo'>
}

/** Payouts are in naira: the platform's Paystack balance and sellers' NUBAN accounts. */
const CURRENCY: Currency = 'NGN'
/** Paystack takes at most 100 transfers per bulk call. */
const BULK_SIZE = 100
const RUN_LOCK_MS = 30 * 60_000
/** How many order ids a payout records as covered; beyond it, `covers.truncated`. */
const MAX_COVERED_ORDERS = 1_000
const MAX_COVERAGE_PAGES = 50
/** A pending transfer older than this is checked with Paystack by the next run (lost webhook). */
const STALE_PENDING_MS = 24 * 3600 * 1000
/** Paystack statuses after which no money moves for a transfer any more. */
const FAILED_STATUSES: readonly PaystackTransferStatus[] = [
  'failed',
  'reversed',
  'abandoned',
  'blocked',
  'rejected',
]

/** Accepted by Paystack, outcome not known yet. */
const AWAITING_PAYSTACK: PayoutStatus[] = ['pending', 'otp_required']
/** Payouts whose money did not go out (coverage starts after the last one that did). */
const NOT_SENT: PayoutStatus[] = ['failed', 'cancelled', 'reversed']
/** Payouts a retry may send again: their money is (or, cancelled, always was) in available. */
const RETRYABLE: PayoutStatus[] = ['failed', 'cancelled', 'reversed']
/** A reversal after settlement may meet the payout already `paid`, or not yet marked so. */
const REVERSIBLE: PayoutStatus[] = [...IN_FLIGHT_STATUSES, 'paid']

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000
const hasCode = (error: unknown, code: string) => isAppError(error) && error.code === code

export function toPayoutDTO(doc: PayoutDoc): PayoutDTO {
  return {
    id: String(doc._id),
    storeId: doc.storeId,
    period: doc.period,
    currency: doc.currency,
    amount: doc.amount,
    status: doc.status,
    attempt: doc.attempt,
    reference: doc.reference,
    bankName: doc.bankName,
    accountNumberLast4: doc.accountNumberLast4,
    ...(doc.failureReason ? { failureReason: doc.failureReason } : {}),
    ...(doc.attention ? { attention: doc.attention } : {}),
    createdAt: doc.createdAt.toISOString(),
    ...(doc.sentAt ? { sentAt: doc.sentAt.toISOString() } : {}),
    ...(doc.paidAt ? { paidAt: doc.paidAt.toISOString() } : {}),
    ...(doc.failedAt ? { failedAt: doc.failedAt.toISOString() } : {}),
  }
}

export function toPayoutDetailDTO(doc: PayoutDoc): PayoutDetailDTO {
  return {
    ...toPayoutDTO(doc),
    accountName: doc.accountName,
    ...(doc.transferCode ? { transferCode: doc.transferCode } : {}),
    ...(doc.paystackStatus ? { paystackStatus: doc.paystackStatus } : {}),
    ...(doc.lastError ? { lastError: doc.lastError } : {}),
    balanceBefore: {
      pending: doc.balanceBefore.pending,
      available: doc.balanceBefore.available,
      inTransit: doc.balanceBefore.inTransit,
      paid: doc.balanceBefore.paid,
    },
    covers: {
      orderIds: [...doc.covers.orderIds],
      truncated: doc.covers.truncated,
      ...(doc.covers.throughJournalId ? { throughJournalId: doc.covers.throughJournalId } : {}),
      ...(doc.covers.afterJournalId ? { afterJournalId: doc.covers.afterJournalId } : {}),
    },
    attempts: doc.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      reference: attempt.reference,
      status: attempt.status,
      ...(attempt.transferCode ? { transferCode: attempt.transferCode } : {}),
      ...(attempt.failureReason ? { failureReason: attempt.failureReason } : {}),
      endedAt: attempt.endedAt.toISOString(),
    })),
  }
}

/** A store that a run will pay, with what it had when the run looked. */
interface Candidate {
  store: StoreDTO
  account: PayoutAccountDoc
  balances: { pending: number; available: number; inTransit: number; paid: number }
}

/**
 * Weekly seller payouts (docs/payments.md). A run pays every store whose available balance is
 * at least the minimum, that has a payout account and no hold, once per ISO week. Each payout
 * moves through ordered, individually idempotent steps, so a re-run or a run restarted after a
 * crash resumes rather than repeats: (1) insert the payout, unique per store and period;
 * (2) post `payout_sent` to the ledger under the payout's reference; (3) ask Paystack for a
 * transfer with that same reference, which Paystack accepts once. Transfer webhooks (verified
 * again with Paystack) settle the payout or give the money back to available.
 */
export class PayoutsService {
  constructor(private deps: PayoutsDeps) {}

  // ---- runs -------------------------------------------------------------------------------

  /**
   * Pays the period (default: the current week in Africa/Lagos), or with `dryRun` only says
   * what it would pay. Unfinished payouts of earlier runs are resumed first.
   * @throws ValidationError `period_in_future`, ConflictError `payout_run_in_progress`.
   */
  async runPeriod(ctx: Ctx, input: RunPayoutsInput = {}): Promise<PayoutRunResult> {
    requireRole(ctx, 'admin')
    const data = validateInput(runPayoutsInput, input)
    const current = periodOf(ctx.now)
    const period = data.period ?? current
    if (comparePeriods(period, current) > 0) {
      throw new ValidationError(
        'That week has not started yet',
        { period: `must be ${current} or earlier` },
        'period_in_future',
      )
    }
    if (data.dryRun) return this.plan(ctx, period)
    const run = await this.deps.locks.withLock('payouts:run', RUN_LOCK_MS, () =>
      this.execute(ctx, period),
    )
    if (!run.acquired) {
      throw new ConflictError(
        'Another payout run is in progress; try again when it ends',
        'payout_run_in_progress',
      )
    }
    return run.value
  }

  /**
   * Sends a failed, cancelled or reversed payout again under a new reference (`..._r2`, ...),
   * once its money is back in the available balance and Paystack confirms the old transfer is
   * over.
   * @throws InvalidStateError `payout_not_failed`, `payout_failure_not_booked`,
   *   `transfer_not_failed`, `no_payout_account`, `payouts_held`; NotFoundError.
   */
  async retry(
    ctx: Ctx,
    idOrReference: string,
  ): Promise<{ payout: PayoutDetailDTO; item: PayoutRunItem }> {
    requireRole(ctx, 'admin')
    const doc = await this.find(idOrReference)
    if (!RETRYABLE.includes(doc.status)) {
      throw new InvalidStateError(
        `Only a failed, cancelled or reversed payout can be retried; this one is ${doc.status}`,
        'payout_not_failed',
      )
    }
    let amount = doc.amount
    if (doc.status !== 'cancelled') {
      await this.assertFailureSettled(ctx, doc)
    } else {
      // Nothing was ever sent for a cancelled payout: pay what is available now.
      amount = (await this.deps.ledger.storeBalances(ctx, doc.storeId, CURRENCY)).available
      if (amount <= 0) {
        throw new InvalidStateError('The store has nothing available to pay', 'nothing_available')
      }
    }
    const account = await this.deps.accounts.forStore(doc.storeId)
    if (!account)
      throw new InvalidStateError('The store has no payout account', 'no_payout_account')
    if (account.payoutsHeldUntil && account.payoutsHeldUntil > ctx.now) {
      throw new InvalidStateError(
        `Payouts to this store are held until ${account.payoutsHeldUntil.toISOString()} after an account change`,
        'payouts_held',
      )
    }
    const attempt = doc.attempt + 1
    const previous: PayoutAttempt = {
      attempt: doc.attempt,
      reference: doc.reference,
      status: doc.status,
      ...(doc.transferCode ? { transferCode: doc.transferCode } : {}),
      ...(doc.failureReason ? { failureReason: doc.failureReason } : {}),
      endedAt: doc.failedAt ?? doc.updatedAt,
    }
    const updated = await this.deps.payouts.findOneAndUpdate(
      { _id: doc._id, status: doc.status, attempt: doc.attempt },
      {
        $set: {
          attempt,
          amount,
          reference: transferReferenceOf(doc.storeId, doc.period, attempt),
          status: 'created',
          ...this.destination(account),
          attempts: [...doc.attempts, previous],
        },
        $unset: {
          transferCode: 1,
          paystackStatus: 1,
          failureReason: 1,
          lastError: 1,
          sentAt: 1,
          paidAt: 1,
          failedAt: 1,
          // The note asked for this retry; a retried payout starts clean.
          ...(doc.status === 'reversed' ? { attention: 1 } : {}),
        },
      },
      { returnDocument: 'after' },
    )
    if (!updated)
      throw new ConflictError('The payout changed meanwhile; look again', 'payout_changed')
    await this.deps.audit.record(
      ctx,
      'payout.retried',
      { type: 'payout', id: String(doc._id) },
      { details: { attempt, previousReference: doc.reference, amount } },
    )
    const [item] = await this.send(ctx, [updated])
    const after = await this.reload(updated)
    return { payout: toPayoutDetailDTO(after), item: item ?? this.itemOf(after) }
  }

  /**
   * Completes a payout Paystack holds for an OTP (transfer OTP on for the integration).
   * @throws InvalidStateError `payout_not_awaiting_otp`, PaystackRejectedError for a wrong OTP.
   */
  async finalize(
    ctx: Ctx,
    idOrReference: string,
    input: FinalizePayoutInput,
  ): Promise<{ payout: PayoutDetailDTO }> {
    requireRole(ctx, 'admin')
    const { otp } = validateInput(finalizePayoutInput, input)
    const doc = await this.find(idOrReference)
    if (doc.status !== 'otp_required' || !doc.transferCode) {
      throw new InvalidStateError(
        `Only a payout waiting for an OTP can be finalized; this one is ${doc.status}`,
        'payout_not_awaiting_otp',
      )
    }
    const transfer = await this.deps.paystack.finalizeTransfer({
      transferCode: doc.transferCode,
      otp,
    })
    await this.deps.audit.record(ctx, 'payout.finalized', { type: 'payout', id: String(doc._id) })
    await this.applyTransferStatus(ctx, doc, transfer.status, transfer.transferCode)
    return { payout: toPayoutDetailDTO(await this.reload(doc)) }
  }

  /**
   * Acts on a recorded Paystack transfer event (`paystack.event_received`): finds the payout by
   * reference, asks Paystack for the transfer's status and applies it. Replays are harmless:
   * the ledger books each outcome once and the status changes are compare-and-set.
   */
  async onPaystackEvent(event: { paystackEvent: string; reference: string | null }): Promise<void> {
    if (!event.paystackEvent.startsWith('transfer.') || !event.reference) return
    const doc = await this.deps.payouts.findOne({ reference: event.reference }).lean()
    if (!doc) {
      const earlier = await this.deps.payouts
        .findOne({ 'attempts.reference': event.reference })
        .lean()
      this.deps.logger.info(
        { reference: event.reference, event: event.paystackEvent, payoutId: earlier?._id },
        earlier ? 'transfer event for an earlier payout attempt' : 'transfer event for no payout',
      )
      return
    }
    const ctx = systemCtx('paystack-webhook', this.deps.clock.now())
    await this.verifyAndApply(ctx, doc)
  }

  // ---- reads ------------------------------------------------------------------------------

  /** Payouts, newest first, for administrators (`kloset payouts list`). */
  async list(ctx: Ctx, query: ListPayoutsQuery = {}): Promise<Page<PayoutDTO>> {
    requireRole(ctx, 'admin')
    const q = validateInput(listPayoutsQuery, query)
    return this.page(q, q.storeId)
  }

  /** The signed-in seller's payouts, newest first. @throws NotFoundError when they have no store. */
  async listOwn(ctx: Ctx, query: SellerPayoutsQuery = {}): Promise<Page<PayoutDTO>> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    return this.page(validateInput(sellerPayoutsQuery, query), store.id)
  }

  /**
   * One payout with its coverage and history. Administrators see any (by id or reference); a
   * seller sees only their store's, and another store's payout looks absent.
   * @throws NotFoundError
   */
  async get(ctx: Ctx, idOrReference: string): Promise<PayoutDetailDTO> {
    if (isAdmin(ctx) || ctx.actor.kind === 'system') {
      return toPayoutDetailDTO(await this.find(idOrReference))
    }
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    const doc = isId(idOrReference) ? await this.deps.payouts.findById(idOrReference).lean() : null
    if (!doc || doc.storeId !== store.id) throw new NotFoundError('Payout')
    return toPayoutDetailDTO(doc)
  }

  /** The signed-in seller's balances and when the next payout can come. */
  async ownBalance(ctx: Ctx): Promise<SellerBalanceDTO> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    const balances = await this.deps.ledger.storeBalances(ctx, store.id, CURRENCY)
    const account = await this.deps.accounts.forStore(store.id)
    const held =
      account?.payoutsHeldUntil && account.payoutsHeldUntil > ctx.now
        ? account.payoutsHeldUntil
        : undefined
    return {
      storeId: store.id,
      currency: CURRENCY,
      pending: balances.pending,
      available: balances.available,
      inTransit: balances.inTransit,
      paid: balances.paid,
      minimumPayout: this.deps.settings.minimumKobo,
      nextPayoutAt: nextPayoutRun(held ?? ctx.now).toISOString(),
      ...(held ? { payoutsHeldUntil: held.toISOString() } : {}),
      payoutAccount: account
        ? { bankName: account.bankName, accountNumberLast4: account.accountNumberLast4 }
        : null,
    }
  }

  // ---- the run ------------------------------------------------------------------------------

  /** What a run would do, without writing anything or calling Paystack. */
  private async plan(ctx: Ctx, period: string): Promise<PayoutRunResult> {
    const unfinished = await this.unfinished()
    const survey = await this.survey(ctx, period, unfinished)
    const items: PayoutRunItem[] = [
      ...unfinished.map((doc) => ({ ...this.itemOf(doc), outcome: 'would_resume' as const })),
      ...survey.candidates.map((c) => ({
        storeId: c.store.id,
        storeName: c.store.name,
        amount: c.balances.available,
        outcome: 'would_pay' as const,
        period,
        reference: transferReferenceOf(c.store.id, period, 1),
      })),
      ...survey.items,
    ]
    return this.result(period, true, items, [])
  }

  private async execute(ctx: Ctx, period: string): Promise<PayoutRunResult> {
    await this.checkStalePending(ctx)
    // Earlier runs' unfinished payouts go first, so the balances read next are net of them.
    const unfinished = await this.unfinished()
    const resumed = await this.send(ctx, unfinished)
    const survey = await this.survey(ctx, period, unfinished)
    const created: PayoutDoc[] = []
    for (const candidate of survey.candidates) {
      created.push(await this.create(ctx, period, candidate))
    }
    const sent = [...resumed, ...(await this.send(ctx, created))]
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
    const owed = (await this.deps.ledger.availableBalances(ctx, CURRENCY)).filter(
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
      items.push({ ...this.itemOf(doc), ...(storeName ? { storeName } : {}), outcome: 'exists' })
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
      } else if (available < this.deps.settings.minimumKobo) skip('below_minimum')
      else {
        // The whole snapshot, read again: it is what the payout records and pays.
        const balances = await this.deps.ledger.storeBalances(ctx, storeId, CURRENCY)
        if (balances.available < this.deps.settings.minimumKobo) {
          skip('below_minimum', balances.available)
        } else candidates.push({ store, account, balances })
      }
    }
    return { candidates, items }
  }

  /** Claims the store's payout of the period; a concurrent claim's document is returned instead. */
  private async create(ctx: Ctx, period: string, candidate: Candidate): Promise<PayoutDoc> {
    const { store, account, balances } = candidate
    try {
      const doc = await this.deps.payouts.create({
        storeId: store.id,
        period,
        currency: CURRENCY,
        amount: balances.available,
        attempt: 1,
        reference: transferReferenceOf(store.id, period, 1),
        status: 'created',
        ...this.destination(account),
        balanceBefore: balances,
        covers: await this.coverage(ctx, store.id),
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

  /** Books and sends payouts in `created` or `sending`; one item per payout. */
  private async send(ctx: Ctx, docs: PayoutDoc[]): Promise<PayoutRunItem[]> {
    const items = new Map<string, PayoutRunItem>()
    const sending: PayoutDoc[] = []
    for (const doc of docs) {
      const booked = await this.book(ctx, doc)
      if (booked.status === 'sending') sending.push(booked)
      else items.set(String(doc._id), this.itemOf(booked))
    }
    for (let start = 0; start < sending.length; start += BULK_SIZE) {
      const chunk = sending.slice(start, start + BULK_SIZE)
      for (const [id, item] of await this.transfer(ctx, chunk)) items.set(id, item)
    }
    return docs.map((doc) => items.get(String(doc._id)) ?? this.itemOf(doc))
  }

  /**
   * Step 2: moves the amount from available to in transit in the ledger (idempotent on the
   * reference), then marks the payout `sending`. A payout the balance no longer covers is
   * cancelled: nothing was booked or sent for it.
   */
  private async book(ctx: Ctx, doc: PayoutDoc): Promise<PayoutDoc> {
    if (doc.status !== 'created') return doc
    try {
      await this.deps.ledger.recordPayoutSent(ctx, {
        payoutId: doc.reference,
        storeId: doc.storeId,
        amount: doc.amount,
        currency: doc.currency,
      })
    } catch (error) {
      if (!hasCode(error, 'insufficient_available')) throw error
      await this.deps.payouts.updateOne(
        { _id: doc._id, reference: doc.reference, status: 'created' },
        {
          $set: {
            status: 'cancelled',
            failureReason: 'The available balance no longer covers this payout',
          },
        },
      )
      return this.reload(doc)
    }
    await this.deps.payouts.updateOne(
      { _id: doc._id, reference: doc.reference, status: 'created' },
      { $set: { status: 'sending' } },
    )
    return this.reload(doc)
  }

  /**
   * Step 3 for up to 100 payouts in `sending`: one bulk call when there are several, else (or
   * when the bulk call is refused or unanswered) one call each. Every call carries the payout's
   * own reference, so asking again can only meet Paystack's duplicate-reference refusal.
   */
  private async transfer(ctx: Ctx, docs: PayoutDoc[]): Promise<Map<string, PayoutRunItem>> {
    const items = new Map<string, PayoutRunItem>()
    let singles = docs
    if (docs.length > 1) {
      try {
        const answered = await this.deps.paystack.initiateBulkTransfer(docs.map(transferInput))
        const byReference = new Map(answered.map((entry) => [entry.reference, entry]))
        singles = []
        for (const doc of docs) {
          const entry = byReference.get(doc.reference)
          if (!entry) singles.push(doc)
          else {
            items.set(
              String(doc._id),
              await this.applyTransferStatus(ctx, doc, entry.status, entry.transferCode),
            )
          }
        }
      } catch (error) {
        // Refused (OTP on, a duplicate, the balance) or unanswered: each payout on its own.
        if (!isAppError(error)) throw error
        this.deps.logger.warn({ err: error, count: docs.length }, 'bulk transfer not made')
      }
    }
    for (const doc of singles) items.set(String(doc._id), await this.transferOne(ctx, doc))
    return items
  }

  private async transferOne(ctx: Ctx, doc: PayoutDoc): Promise<PayoutRunItem> {
    try {
      const transfer = await this.deps.paystack.initiateTransfer(transferInput(doc))
      return this.applyTransferStatus(ctx, doc, transfer.status, transfer.transferCode)
    } catch (error) {
      if (hasCode(error, 'duplicate_reference')) return this.verifyAndApply(ctx, doc)
      if (error instanceof PaystackRejectedError)
        return this.verifyAndApply(ctx, doc, error.message)
      if (isAppError(error)) return this.unconfirmed(doc, error)
      throw error
    }
  }

  /**
   * Asks Paystack what became of the payout's transfer and applies it. With `refusal` (Paystack
   * refused to create it), a transfer Paystack cannot find means none exists: the payout fails
   * and its money goes back to available.
   */
  private async verifyAndApply(ctx: Ctx, doc: PayoutDoc, refusal?: string): Promise<PayoutRunItem> {
    let transfer: Awaited<ReturnType<PayoutsDeps['paystack']['verifyTransfer']>>
    try {
      transfer = await this.deps.paystack.verifyTransfer(doc.reference)
    } catch (error) {
      if (refusal && error instanceof PaystackRejectedError) {
        return this.fail(ctx, doc, `Paystack refused the transfer: ${refusal}`, 'refused')
      }
      if (isAppError(error)) return this.unconfirmed(doc, error)
      throw error
    }
    return this.applyTransferStatus(ctx, doc, transfer.status, transfer.transferCode)
  }

  /** Moves the payout to match a transfer status Paystack reported. */
  private async applyTransferStatus(
    ctx: Ctx,
    doc: PayoutDoc,
    status: PaystackTransferStatus,
    transferCode: string,
  ): Promise<PayoutRunItem> {
    if (status === 'success') {
      await this.markSent(ctx, doc, 'pending', status, transferCode)
      return this.settle(ctx, doc)
    }
    if (FAILED_STATUSES.includes(status)) {
      return this.fail(ctx, doc, `Paystack reports the transfer ${status}`, status, transferCode)
    }
    await this.markSent(
      ctx,
      doc,
      status === 'otp' ? 'otp_required' : 'pending',
      status,
      transferCode,
    )
    return this.itemOf(await this.reload(doc))
  }

  private async markSent(
    ctx: Ctx,
    doc: PayoutDoc,
    to: 'pending' | 'otp_required',
    paystackStatus: string,
    transferCode: string,
  ): Promise<void> {
    const from: PayoutStatus[] = to === 'pending' ? ['sending', 'otp_required'] : ['sending']
    const updated = await this.deps.payouts.findOneAndUpdate(
      { _id: doc._id, reference: doc.reference, status: op({ $in: from }) },
      {
        $set: {
          status: to,
          paystackStatus,
          transferCode,
          ...(to === 'pending' ? { sentAt: ctx.now } : {}),
        },
        $unset: { lastError: 1 },
      },
      { returnDocument: 'after' },
    )
    if (updated && to === 'pending') {
      await this.deps.events.emit('payout.sent', {
        payoutId: String(doc._id),
        storeId: doc.storeId,
        amount: doc.amount,
        reference: doc.reference,
      })
    }
  }

  /** Paystack says paid: in transit becomes paid in the ledger, and the seller is told. */
  private async settle(ctx: Ctx, doc: PayoutDoc): Promise<PayoutRunItem> {
    try {
      await this.deps.ledger.recordPayoutSettled(ctx, { payoutId: doc.reference })
    } catch (error) {
      if (!hasCode(error, 'payout_already_resolved')) throw error
      return this.flag(doc, 'Paystack reports success for a transfer the ledger booked as failed')
    }
    const updated = await this.deps.payouts.findOneAndUpdate(
      { _id: doc._id, reference: doc.reference, status: op({ $in: IN_FLIGHT_STATUSES }) },
      { $set: { status: 'paid', paystackStatus: 'success', paidAt: ctx.now } },
      { returnDocument: 'after' },
    )
    if (updated) {
      await this.tellSeller(updated, (store) =>
        mailTemplates.payoutPaid({
          storeName: store.name,
          amount: formatMoney(updated.amount, updated.currency),
          bankName: updated.bankName,
          last4: updated.accountNumberLast4,
        }),
      )
      await this.deps.events.emit('payout.paid', {
        payoutId: String(doc._id),
        storeId: doc.storeId,
        amount: doc.amount,
        reference: doc.reference,
      })
    }
    return this.itemOf(updated ?? (await this.reload(doc)))
  }

  /** The transfer failed, was reversed, or was never made: the money goes back to available. */
  private async fail(
    ctx: Ctx,
    doc: PayoutDoc,
    reason: string,
    paystackStatus: string,
    transferCode?: string,
  ): Promise<PayoutRunItem> {
    try {
      await this.deps.ledger.recordPayoutFailed(ctx, {
        payoutId: doc.reference,
        memo: reason.slice(0, 500),
      })
    } catch (error) {
      if (!hasCode(error, 'payout_already_resolved')) throw error
      // The transfer settled: only a reversal brings money back after that.
      if (paystackStatus === 'reversed') return this.reverseAfterSettlement(ctx, doc, reason)
      return this.flag(doc, `Paystack reports the transfer ${paystackStatus} after it was paid`)
    }
    const updated = await this.deps.payouts.findOneAndUpdate(
      { _id: doc._id, reference: doc.reference, status: op({ $in: IN_FLIGHT_STATUSES }) },
      {
        $set: {
          status: 'failed',
          failureReason: reason,
          paystackStatus,
          failedAt: ctx.now,
          ...(transferCode ? { transferCode } : {}),
        },
      },
      { returnDocument: 'after' },
    )
    if (updated) {
      this.deps.logger.warn(
        { payoutId: String(doc._id), reference: doc.reference, reason },
        'payout failed; its amount is back in the available balance',
      )
      await this.tellSeller(updated, (store) =>
        mailTemplates.payoutFailed({
          storeName: store.name,
          amount: formatMoney(updated.amount, updated.currency),
          reason,
        }),
      )
      await this.deps.events.emit('payout.failed', {
        payoutId: String(doc._id),
        storeId: doc.storeId,
        amount: doc.amount,
        reference: doc.reference,
        reason,
      })
    }
    return { ...this.itemOf(updated ?? (await this.reload(doc))), reason }
  }

  /**
   * Paid, then reversed by Paystack (the bank returned the money): the ledger moves it from paid
   * back to available and from paid out back to cash, the payout becomes `reversed` with an
   * attention note for a retry, and the seller is told as for a failure.
   */
  private async reverseAfterSettlement(
    ctx: Ctx,
    doc: PayoutDoc,
    reason: string,
  ): Promise<PayoutRunItem> {
    await this.deps.ledger.recordPayoutReversedAfterSettlement(ctx, {
      payoutId: doc.reference,
      memo: reason.slice(0, 500),
    })
    const failureReason = `${reason} after it was paid`
    const updated = await this.deps.payouts.findOneAndUpdate(
      { _id: doc._id, reference: doc.reference, status: op({ $in: REVERSIBLE }) },
      {
        $set: {
          status: 'reversed',
          failureReason,
          paystackStatus: 'reversed',
          failedAt: ctx.now,
          attention:
            'Paystack reversed this transfer after it was paid; the amount is back in the ' +
            'available balance. Send it again with `kloset payouts retry`.',
        },
      },
      { returnDocument: 'after' },
    )
    if (updated) {
      this.deps.logger.error(
        { payoutId: String(doc._id), reference: doc.reference, reason },
        'paid payout reversed; its amount is back in the available balance',
      )
      await this.tellSeller(updated, (store) =>
        mailTemplates.payoutFailed({
          storeName: store.name,
          amount: formatMoney(updated.amount, updated.currency),
          reason: failureReason,
        }),
      )
      await this.deps.events.emit('payout.failed', {
        payoutId: String(doc._id),
        storeId: doc.storeId,
        amount: doc.amount,
        reference: doc.reference,
        reason: failureReason,
      })
    }
    return { ...this.itemOf(updated ?? (await this.reload(doc))), reason: failureReason }
  }

  /** Paystack could not be asked or did not answer: the payout stays `sending` for a re-run. */
  private async unconfirmed(doc: PayoutDoc, error: AppError): Promise<PayoutRunItem> {
    await this.deps.payouts.updateOne(
      { _id: doc._id, reference: doc.reference, status: 'sending' },
      { $set: { lastError: error.message } },
    )
    return { ...this.itemOf(doc), outcome: 'unconfirmed', reason: error.message }
  }

  private async flag(doc: PayoutDoc, attention: string): Promise<PayoutRunItem> {
    this.deps.logger.error({ payoutId: String(doc._id), reference: doc.reference }, attention)
    await this.deps.payouts.updateOne({ _id: doc._id }, { $set: { attention } })
    return { ...this.itemOf(await this.reload(doc)), reason: attention }
  }

  /** Pending transfers whose webhook never came are asked about by the next run. */
  private async checkStalePending(ctx: Ctx): Promise<void> {
    const stale = await this.deps.payouts
      .find({
        status: op({ $in: AWAITING_PAYSTACK }),
        updatedAt: op({ $lt: new Date(ctx.now.getTime() - STALE_PENDING_MS) }),
      })
      .lean()
    for (const doc of stale) await this.verifyAndApply(ctx, doc)
  }

  /**
   * A retry needs the failure booked (the money back in available) and Paystack's word that the
   * old transfer is over; a transfer Paystack does not know was never made.
   */
  private async assertFailureSettled(ctx: Ctx, doc: PayoutDoc): Promise<void> {
    const outcome = doc.status === 'reversed' ? 'reversed' : 'failed'
    const returned = await this.deps.ledger.journalByKey(ctx, `payout:${doc.reference}:${outcome}`)
    if (!returned) {
      throw new InvalidStateError(
        'The failed transfer’s money is not back in the available balance',
        'payout_failure_not_booked',
      )
    }
    const transfer = await this.deps.paystack.verifyTransfer(doc.reference).catch((error) => {
      if (error instanceof PaystackRejectedError) return undefined
      throw error
    })
    if (transfer && !FAILED_STATUSES.includes(transfer.status)) {
      throw new InvalidStateError(
        `Paystack reports the transfer as ${transfer.status}; it cannot be retried`,
        'transfer_not_failed',
      )
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  /**
   * What the payout pays for: the orders released to available since the previous payout that
   * went out (their release journals), up to the store's newest journal now.
   */
  private async coverage(ctx: Ctx, storeId: string): Promise<PayoutCoverage> {
    const previous = await this.deps.payouts
      .findOne({ storeId, status: op({ $nin: NOT_SENT }) })
      .sort({ _id: -1 })
      .lean()
    const after = previous?.covers.throughJournalId
    const orderIds: string[] = []
    let through: string | undefined
    let truncated = false
    let cursor: string | undefined
    walk: for (let page = 0; page < MAX_COVERAGE_PAGES; page++) {
      const entries = await this.deps.ledger.listEntriesForStore(ctx, storeId, {
        limit: 100,
        ...(cursor ? { cursor } : {}),
      })
      for (const entry of entries.items) {
        through ??= entry.id
        if (after && entry.id <= after) break walk
        if (entry.kind !== 'release' || !entry.refs.orderId) continue
        if (orderIds.length < MAX_COVERED_ORDERS) orderIds.push(entry.refs.orderId)
        else truncated = true
      }
      if (!entries.nextCursor) break
      cursor = entries.nextCursor
      if (page === MAX_COVERAGE_PAGES - 1) truncated = true
    }
    return {
      orderIds,
      truncated,
      ...(through ? { throughJournalId: through } : {}),
      ...(after ? { afterJournalId: after } : {}),
    }
  }

  private destination(account: PayoutAccountDoc) {
    return {
      recipientCode: account.recipientCode,
      bankName: account.bankName,
      accountName: account.accountName,
      accountNumberLast4: account.accountNumberLast4,
    }
  }

  private async page(
    q: {
      limit: number
      cursor?: string | undefined
      period?: string | undefined
      status?: PayoutStatus | undefined
    },
    storeId: string | undefined,
  ): Promise<Page<PayoutDTO>> {
    const filter: Record<string, unknown> = {}
    if (storeId) filter.storeId = storeId
    if (q.period) filter.period = q.period
    if (q.status) filter.status = q.status
    Object.assign(filter, afterIdCursor(q.cursor))
    const rows = await this.deps.payouts
      .find(filter)
      .sort({ _id: -1 })
      .limit(q.limit + 1)
      .lean()
    return toPage(rows, q.limit, toPayoutDTO, idCursorOf)
  }

  /** By id, or by a transfer reference (current or earlier attempt). @throws NotFoundError */
  private async find(idOrReference: string): Promise<PayoutDoc> {
    const key = idOrReference.trim()
    const doc =
      (isId(key) ? await this.deps.payouts.findById(key).lean() : null) ??
      (await this.deps.payouts.findOne({ reference: key.toLowerCase() }).lean()) ??
      (await this.deps.payouts.findOne({ 'attempts.reference': key.toLowerCase() }).lean())
    if (!doc) throw new NotFoundError('Payout')
    return doc
  }

  private async reload(doc: PayoutDoc): Promise<PayoutDoc> {
    return (await this.deps.payouts.findById(doc._id).lean()) ?? doc
  }

  private itemOf(doc: PayoutDoc): PayoutRunItem {
    const outcome: PayoutRunItem['outcome'] =
      doc.status === 'paid'
        ? 'paid'
        : doc.status === 'pending'
          ? 'sent'
          : doc.status === 'otp_required'
            ? 'otp_required'
            : doc.status === 'failed' || doc.status === 'reversed'
              ? 'failed'
              : doc.status === 'cancelled'
                ? 'cancelled'
                : 'unconfirmed'
    return {
      storeId: doc.storeId,
      amount: doc.amount,
      outcome,
      ...(doc.failureReason ? { reason: doc.failureReason } : {}),
      payoutId: String(doc._id),
      period: doc.period,
      reference: doc.reference,
      status: doc.status,
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
      currency: CURRENCY,
      minimumPayout: this.deps.settings.minimumKobo,
      items,
      totals: {
        count: counted.length,
        amount: counted.reduce((sum, item) => sum + item.amount, 0),
      },
      warnings,
    }
  }

  /** Mails the store's owner (the store's contact address if the account is gone). */
  private async tellSeller(
    doc: PayoutDoc,
    render: (store: StoreDTO) => RenderedMail,
  ): Promise<void> {
    try {
      const store = await this.deps.stores.getStore(doc.storeId)
      const owner = await this.deps.owners
        .get(systemCtx('payouts'), store.ownerId)
        .catch(() => undefined)
      await this.deps.mail.send(owner?.email ?? store.contactEmail, render(store))
    } catch (error) {
      // Telling the seller must never undo or block the booking that already happened.
      this.deps.logger.error({ err: error, payoutId: String(doc._id) }, 'payout mail not sent')
    }
  }
}

function transferInput(doc: PayoutDoc): InitiateTransferInput {
  return {
    amount: doc.amount,
    recipient: doc.recipientCode,
    reference: doc.reference,
    reason: `KlosetStore payout ${doc.period}`,
    currency: doc.currency,
  }
}
