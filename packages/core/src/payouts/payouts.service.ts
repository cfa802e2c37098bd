import type { People } from '../accounts/people.port.js'
import type { AuditService } from '../audit/audit.service.js'
import type { Locks } from '../jobs/lock.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { MailService } from '../mail/mail.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import type { Clock } from '../shared/clock.js'
import type { PayoutSettings } from '../shared/config.js'
import { type Ctx, requireAdminOrSystem, requireRole, systemCtx } from '../shared/ctx.js'
import {
  ChangedMeanwhileError,
  ConflictError,
  InvalidStateError,
  ValidationError,
} from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import type { Currency } from '../shared/money.js'
import type { Page } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import type { StoreLookup } from '../stores/store.types.js'
import { payableOf } from './payout.coverage.js'
import { PAYOUT_CURRENCY, payoutRunItemOf, toPayoutDetailDTO } from './payout.dto.js'
import type { PayoutAttempt, PayoutDoc, PayoutModel } from './payout.model.js'
import { comparePeriods, periodOf, transferReferenceOf } from './payout.period.js'
import { findPayout, PayoutQueries, reloadPayout } from './payout.queries.js'
import { destinationOf, PayoutRun } from './payout.run.js'
import {
  type FinalizePayoutInput,
  finalizePayoutInput,
  type ListPayoutsQuery,
  type RunPayoutsInput,
  runPayoutsInput,
  type SellerPayoutsQuery,
} from './payout.schemas.js'
import { feeless, PayoutTransfers } from './payout.transfers.js'
import { RETRYABLE_STATUSES } from './payout.transitions.js'
import type {
  PayoutDetailDTO,
  PayoutDTO,
  PayoutRunItem,
  PayoutRunResult,
  SellerBalanceDTO,
} from './payout.types.js'
import type { PayoutAccountDoc } from './payout-account.model.js'
import type { PayoutAccountsService } from './payout-accounts.service.js'

export { toPayoutDetailDTO, toPayoutDTO } from './payout.dto.js'

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
    | 'recordTransferFee'
    | 'availableBalances'
    | 'listEntriesForStore'
    | 'journalByKey'
  >
  stores: Pick<StoreLookup, 'requireOwnStore' | 'getStore' | 'getStores'>
  people: People
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
  /**
   * Money held back from a store's payouts by open disputes (disputes: the part of a disputed
   * order's money already in available). A payout pays at most available less this.
   */
  frozen?: { frozenAmount(ctx: Ctx, storeId: string, currency: Currency): Promise<number> }
}

const RUN_LOCK_MS = 30 * 60_000

/**
 * Weekly seller payouts (docs/payments.md). A run pays every store whose available balance is
 * at least the minimum, that has a payout account and no hold, once per ISO week. Each payout
 * moves through ordered, individually idempotent steps, so a re-run or a run restarted after a
 * crash resumes rather than repeats: (1) insert the payout, unique per store and period;
 * (2) post `payout_sent` to the ledger under the payout's reference; (3) ask Paystack for a
 * transfer with that same reference, which Paystack accepts once. Transfer webhooks (verified
 * again with Paystack) settle the payout or give the money back to available.
 *
 * This class is the facade of the feature's verbs; the work is in payout.run.ts (a run),
 * payout.transfers.ts (ledger booking and Paystack transfers), payout.coverage.ts,
 * payout.queries.ts (reads), payout-mail.ts and the table in payout.transitions.ts.
 */
export class PayoutsService {
  private transfers: PayoutTransfers
  private run: PayoutRun
  private queries: PayoutQueries

  constructor(private deps: PayoutsDeps) {
    this.transfers = new PayoutTransfers(deps)
    this.run = new PayoutRun(deps, this.transfers)
    this.queries = new PayoutQueries(deps)
  }

  // ---- runs -------------------------------------------------------------------------------

  /**
   * Pays the period (default: the current week in Africa/Lagos), or with `dryRun` only says
   * what it would pay. Unfinished payouts of earlier runs are resumed first.
   * @throws ValidationError `period_in_future`, ConflictError `payout_run_in_progress`.
   */
  async runPeriod(ctx: Ctx, input: RunPayoutsInput = {}): Promise<PayoutRunResult> {
    requireAdminOrSystem(ctx)
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
    if (data.dryRun) return this.run.plan(ctx, period)
    const run = await this.deps.locks.withLock('payouts:run', RUN_LOCK_MS, () =>
      this.run.execute(ctx, period),
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
    const doc = await findPayout(this.deps.payouts, idOrReference)
    if (!RETRYABLE_STATUSES.includes(doc.status)) {
      throw new InvalidStateError(
        `Only a failed, cancelled or reversed payout can be retried; this one is ${doc.status}`,
        'payout_not_failed',
      )
    }
    const amount = await this.retryAmount(ctx, doc)
    const account = await this.payableAccount(ctx, doc.storeId)
    const attempt = doc.attempt + 1
    const updated = await this.restart(doc, attempt, amount, account)
    await this.deps.audit.record(
      ctx,
      'payout.retried',
      { type: 'payout', id: String(doc._id) },
      { details: { attempt, previousReference: doc.reference, amount } },
    )
    const [item] = await this.transfers.send(ctx, [updated])
    const after = await reloadPayout(this.deps.payouts, updated)
    return { payout: toPayoutDetailDTO(after), item: item ?? payoutRunItemOf(after) }
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
    const doc = await findPayout(this.deps.payouts, idOrReference)
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
    await this.transfers.applyTransferStatus(ctx, doc, feeless(transfer))
    return { payout: toPayoutDetailDTO(await reloadPayout(this.deps.payouts, doc)) }
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
    await this.transfers.verifyAndApply(ctx, doc)
  }

  /** What a retry pays: the same amount, or for a cancelled payout what is available now. */
  private async retryAmount(ctx: Ctx, doc: PayoutDoc): Promise<number> {
    const available = (await this.deps.ledger.storeBalances(ctx, doc.storeId, PAYOUT_CURRENCY))
      .available
    const { payable, frozen } = await payableOf(this.deps, ctx, doc.storeId, available)
    if (doc.status !== 'cancelled') {
      await this.transfers.assertFailureSettled(ctx, doc)
      if (frozen > 0 && doc.amount > payable) {
        throw new InvalidStateError(
          'Open disputes freeze part of this store’s money; the retry would pay it',
          'funds_frozen',
          { payable, frozen },
        )
      }
      return doc.amount
    }
    // Nothing was ever sent for a cancelled payout: pay what is available now, less frozen.
    const amount = payable
    if (amount <= 0) {
      throw new InvalidStateError('The store has nothing available to pay', 'nothing_available')
    }
    return amount
  }

  /** The store's payout account, if payouts to it are not held. */
  private async payableAccount(ctx: Ctx, storeId: string): Promise<PayoutAccountDoc> {
    const account = await this.deps.accounts.forStore(storeId)
    if (!account)
      throw new InvalidStateError('The store has no payout account', 'no_payout_account')
    if (account.payoutsHeldUntil && account.payoutsHeldUntil > ctx.now) {
      throw new InvalidStateError(
        `Payouts to this store are held until ${account.payoutsHeldUntil.toISOString()} after an account change`,
        'payouts_held',
      )
    }
    return account
  }

  /**
   * Starts the payout again as `created` under the attempt's new reference, keeping the
   * previous attempt in its history (compare-and-set on status and attempt).
   * @throws InvalidStateError `changed_meanwhile`
   */
  private async restart(
    doc: PayoutDoc,
    attempt: number,
    amount: number,
    account: PayoutAccountDoc,
  ): Promise<PayoutDoc> {
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
          ...destinationOf(account),
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
      throw new ChangedMeanwhileError('payout', 'The payout changed meanwhile; look again')
    return updated
  }

  // ---- reads (payout.queries.ts) -----------------------------------------------------------

  /** Payouts, newest first, for administrators (`kloset payouts list`). */
  list(ctx: Ctx, query: ListPayoutsQuery = {}): Promise<Page<PayoutDTO>> {
    return this.queries.list(ctx, query)
  }

  /** The signed-in seller's payouts, newest first. @throws NotFoundError when they have no store. */
  listOwn(ctx: Ctx, query: SellerPayoutsQuery = {}): Promise<Page<PayoutDTO>> {
    return this.queries.listOwn(ctx, query)
  }

  /**
   * One payout with its coverage and history. Administrators see any (by id or reference); a
   * seller sees only their store's, and another store's payout looks absent.
   * @throws NotFoundError
   */
  get(ctx: Ctx, idOrReference: string): Promise<PayoutDetailDTO> {
    return this.queries.get(ctx, idOrReference)
  }

  /** The signed-in seller's balances and when the next payout can come. */
  ownBalance(ctx: Ctx): Promise<SellerBalanceDTO> {
    return this.queries.ownBalance(ctx)
  }
}
