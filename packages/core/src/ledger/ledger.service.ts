import type { Clock } from '../shared/clock.js'
import { type Ctx, requireAdminOrSystem, requireRole } from '../shared/ctx.js'
import type { Currency } from '../shared/money.js'
import type { Page } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import type { StoreLookup } from '../stores/store.types.js'
import {
  adjustmentJournal,
  assertAvailableCovers,
  type PayoutOutcomeKind,
  payoutAlreadyResolved,
  payoutOutcomeJournal,
  payoutOutcomeKeyOf,
  payoutReversalJournal,
  payoutReversalKeyOf,
  payoutSentJournal,
  processingFeeJournal,
  refundJournal,
  refundKeyOf,
  releaseJournal,
  releaseKeyOf,
  saleJournal,
  sameJournal,
  sameRefund,
  sameRelease,
  subscriptionFeeJournal,
  transferFeeJournal,
} from './ledger.journals.js'
import type { JournalModel } from './ledger.model.js'
import { JournalPoster } from './ledger.posting.js'
import { LedgerQueries } from './ledger.queries.js'
import { checkJournal } from './ledger.rules.js'
import {
  type PayoutOutcomeInput,
  type PostJournalInput,
  payoutOutcomeInput,
  postJournalInput,
  type RecordPayoutSentInput,
  type RecordProcessingFeeInput,
  type RecordRefundInput,
  type RecordSaleInput,
  type RecordSubscriptionFeeInput,
  type RecordTransferFeeInput,
  type ReleaseToAvailableInput,
  type RevenueSummaryQuery,
  recordPayoutSentInput,
  recordProcessingFeeInput,
  recordRefundInput,
  recordSaleInput,
  recordSubscriptionFeeInput,
  recordTransferFeeInput,
  releaseToAvailableInput,
  type StoreLedgerQuery,
} from './ledger.schemas.js'
import type {
  JournalCheck,
  JournalDTO,
  RevenueSummary,
  StoreAvailable,
  StoreBalances,
  StoreLedgerEntryDTO,
  TrialBalance,
} from './ledger.types.js'

export { toJournalDTO } from './ledger.journals.js'

export interface LedgerDeps {
  journals: JournalModel
  clock: Clock
  /** Finds the signed-in seller's store, so that a seller reads only their own balances. */
  stores: Pick<StoreLookup, 'requireOwnStore'>
}

/**
 * The commission ledger: double-entry, append-only, integer minor units, one currency per
 * journal (docs/payments.md). This class is the facade: each posting validates its input,
 * builds its journal with the pure builders of ledger.journals.ts and hands it to the poster
 * (ledger.posting.ts, at most once per key); reads and reports are ledger.queries.ts. Posting
 * methods are internal: other core services call them with a system or administrator ctx.
 */
export class LedgerService {
  private poster: JournalPoster
  private queries: LedgerQueries

  constructor(deps: LedgerDeps) {
    this.poster = new JournalPoster(deps)
    this.queries = new LedgerQueries(deps)
  }

  // ---- posting -----------------------------------------------------------------------------

  /**
   * Posts a correcting journal with caller-made entries (kind `adjustment`, key
   * `adjustment:...`); the domain postings below compute their own entries.
   * @throws ValidationError `validation_failed` / `invalid_journal` for a malformed journal,
   *   InvalidStateError `unbalanced_journal` when the entries do not sum to zero, ConflictError
   *   `idempotency_conflict` when the key was used for different entries.
   */
  async post(ctx: Ctx, input: PostJournalInput): Promise<JournalDTO> {
    requireRole(ctx, 'admin')
    return this.poster.postDraft(ctx, adjustmentJournal(validateInput(postJournalInput, input)))
  }

  /**
   * Books a paid store order: the gross into platform cash, the commission (`shareOf(gross,
   * rate)`, half up) to platform revenue, the rest to the seller's pending balance.
   * Key `sale:<orderId>`. @throws ConflictError `idempotency_conflict` when the order was booked
   * with other figures.
   */
  async recordSale(ctx: Ctx, input: RecordSaleInput): Promise<JournalDTO> {
    requireAdminOrSystem(ctx)
    return this.poster.postDraft(ctx, saleJournal(validateInput(recordSaleInput, input)))
  }

  /**
   * Books a paid seller subscription invoice as platform revenue (`platform:subscriptions`).
   * Key `subscription:<invoiceCode>`. @throws ConflictError `idempotency_conflict` when the
   * invoice was booked with other figures.
   */
  async recordSubscriptionFee(ctx: Ctx, input: RecordSubscriptionFeeInput): Promise<JournalDTO> {
    requireAdminOrSystem(ctx)
    return this.poster.postDraft(
      ctx,
      subscriptionFeeJournal(validateInput(recordSubscriptionFeeInput, input)),
    )
  }

  /**
   * Books Paystack's fee on a verified payment as a platform expense, out of platform cash.
   * Key `fee:<reference>`. @throws ConflictError `idempotency_conflict` when the payment's fee
   * was booked with another amount.
   */
  async recordProcessingFee(ctx: Ctx, input: RecordProcessingFeeInput): Promise<JournalDTO> {
    requireAdminOrSystem(ctx)
    return this.poster.postDraft(
      ctx,
      processingFeeJournal(validateInput(recordProcessingFeeInput, input)),
    )
  }

  /**
   * Books Paystack's fee on a paid transfer to a seller as a platform expense, out of platform
   * cash; the seller keeps the full amount. Key `transfer-fee:<reference>`.
   * @throws ConflictError `idempotency_conflict` when the transfer's fee was booked with another
   *   amount.
   */
  async recordTransferFee(ctx: Ctx, input: RecordTransferFeeInput): Promise<JournalDTO> {
    requireAdminOrSystem(ctx)
    return this.poster.postDraft(
      ctx,
      transferFeeJournal(validateInput(recordTransferFeeInput, input)),
    )
  }

  /**
   * Moves the seller's share of an order still pending (its share less refunds taken from
   * pending) to available, once the return window has passed. Key `release:<orderId>`.
   * @throws InvalidStateError `sale_not_recorded`, `store_mismatch`, `currency_mismatch`,
   *   `release_amount_mismatch` (the given amount is not what is pending), `nothing_to_release`.
   */
  async releaseToAvailable(ctx: Ctx, input: ReleaseToAvailableInput): Promise<JournalDTO> {
    requireAdminOrSystem(ctx)
    const data = validateInput(releaseToAvailableInput, input)
    return this.poster.post(ctx, releaseKeyOf(data), sameRelease(data), async () =>
      releaseJournal(data, await this.poster.orderHistory(data.orderId)),
    )
  }

  /**
   * Books a refund of `amount` to the buyer, paid from platform cash. The commission is
   * reversed in proportion (ledger.rules.ts `splitRefund`: cumulative, half up, so a full
   * refund reverses exactly what was posted); the rest comes out of the seller's pending share,
   * or available once released (which may go negative; the next payout nets it).
   * Key `refund:<refundId>`.
   * @throws InvalidStateError `sale_not_recorded`, `store_mismatch`, `currency_mismatch`,
   *   `order_state_mismatch` (the ledger disagrees on whether the share was released),
   *   `refund_exceeds_sale`; ConflictError `idempotency_conflict`.
   */
  async recordRefund(ctx: Ctx, input: RecordRefundInput): Promise<JournalDTO> {
    requireAdminOrSystem(ctx)
    const data = validateInput(recordRefundInput, input)
    return this.poster.post(ctx, refundKeyOf(data), sameRefund(data), async () =>
      refundJournal(data, await this.poster.orderHistory(data.orderId)),
    )
  }

  /**
   * Books a transfer sent to a seller: their available balance moves to payouts in transit.
   * Money stays at Paystack until the transfer settles. Key `payout:<payoutId>:sent`.
   * @throws InvalidStateError `insufficient_available` when the payout exceeds the store's
   *   available balance; ConflictError `idempotency_conflict`.
   */
  async recordPayoutSent(ctx: Ctx, input: RecordPayoutSentInput): Promise<JournalDTO> {
    requireAdminOrSystem(ctx)
    const data = validateInput(recordPayoutSentInput, input)
    const draft = payoutSentJournal(data)
    return this.poster.post(ctx, draft.idempotencyKey, sameJournal(draft), async () => {
      const { available } = await this.queries.balancesOf(data.storeId, data.currency)
      assertAvailableCovers(data.amount, available)
      return draft
    })
  }

  /**
   * Books a settled transfer: in transit becomes paid to the seller, and the money leaves
   * platform cash. Key `payout:<payoutId>:settled`.
   * @throws InvalidStateError `payout_not_sent`, `payout_already_resolved` (it failed).
   */
  async recordPayoutSettled(ctx: Ctx, input: PayoutOutcomeInput): Promise<JournalDTO> {
    return this.resolvePayout(ctx, input, 'payout_settled')
  }

  /**
   * Books a failed or reversed-before-settlement transfer: the money returns to the seller's
   * available balance. Key `payout:<payoutId>:failed`.
   * @throws InvalidStateError `payout_not_sent`, `payout_already_resolved` (it settled).
   */
  async recordPayoutFailed(ctx: Ctx, input: PayoutOutcomeInput): Promise<JournalDTO> {
    return this.resolvePayout(ctx, input, 'payout_failed')
  }

  /**
   * Books a transfer Paystack reversed after it had settled: the seller's paid share goes back
   * to available (to be paid again), and the money from paid out back to platform cash, since
   * it returned to the Paystack balance. Key `payout:<payoutId>:reversed`; at most once.
   * @throws InvalidStateError `payout_not_settled` (never sent, failed, or still in transit:
   *   a reversal before settlement is `recordPayoutFailed`).
   */
  async recordPayoutReversedAfterSettlement(
    ctx: Ctx,
    input: PayoutOutcomeInput,
  ): Promise<JournalDTO> {
    requireAdminOrSystem(ctx)
    const data = validateInput(payoutOutcomeInput, input)
    const same = (existing: { kind: string }) => existing.kind === 'payout_reversed'
    return this.poster.post(ctx, payoutReversalKeyOf(data.payoutId), same, async () =>
      payoutReversalJournal(data, await this.poster.byKey(`payout:${data.payoutId}:settled`)),
    )
  }

  private async resolvePayout(
    ctx: Ctx,
    input: PayoutOutcomeInput,
    kind: PayoutOutcomeKind,
  ): Promise<JournalDTO> {
    requireAdminOrSystem(ctx)
    const data = validateInput(payoutOutcomeInput, input)
    const same = (existing: { kind: string }) => existing.kind === kind
    return this.poster.post(
      ctx,
      payoutOutcomeKeyOf(data.payoutId, kind),
      same,
      async () =>
        payoutOutcomeJournal(data, kind, await this.poster.byKey(`payout:${data.payoutId}:sent`)),
      () => payoutAlreadyResolved(kind),
    )
  }

  // ---- reads (ledger.queries.ts) ----------------------------------------------------------

  /**
   * The sum of an account's entries in a currency (positive = debit balance; see
   * `displayBalance` for how people read it). Sellers may read their own store's accounts.
   * @throws ValidationError `unknown_account`, NotFoundError for another seller's account.
   */
  balance(ctx: Ctx, account: string, currency: Currency): Promise<number> {
    return this.queries.balance(ctx, account, currency)
  }

  /**
   * A store's balances as positive numbers: pending, available (what the next payout pays; may
   * be negative after refunds of money already paid out), in transit, and paid so far.
   * @throws NotFoundError when a seller asks about a store that is not theirs.
   */
  storeBalances(ctx: Ctx, storeId: string, currency: Currency): Promise<StoreBalances> {
    return this.queries.storeBalances(ctx, storeId, currency)
  }

  /** The signed-in seller's own balances. @throws NotFoundError when they have no store. */
  ownBalances(ctx: Ctx, currency: Currency): Promise<StoreBalances> {
    return this.queries.ownBalances(ctx, currency)
  }

  /**
   * A store's statement, newest first: each journal that touched the store and how it changed
   * each bucket. @throws NotFoundError when a seller asks about a store that is not theirs.
   */
  listEntriesForStore(
    ctx: Ctx,
    storeId: string,
    query: Partial<StoreLedgerQuery> = {},
  ): Promise<Page<StoreLedgerEntryDTO>> {
    return this.queries.listEntriesForStore(ctx, storeId, query)
  }

  /** The signed-in seller's own statement (`GET /api/v1/seller/ledger`). */
  ownEntries(ctx: Ctx, query: Partial<StoreLedgerQuery> = {}): Promise<Page<StoreLedgerEntryDTO>> {
    return this.queries.ownEntries(ctx, query)
  }

  /**
   * Every store's available balance in a currency, for the stores where it is not zero
   * (negative: a refund of money already paid out), by store id. Payout runs survey from it,
   * so a store with money and no payout account is still seen. Administrators and jobs only.
   */
  availableBalances(ctx: Ctx, currency: Currency): Promise<StoreAvailable[]> {
    return this.queries.availableBalances(ctx, currency)
  }

  /**
   * Gross sales, net commission, refunds and settled payouts of the period `[from, to)` by
   * posting time, in total and optionally per store. Administrators only.
   */
  revenueSummary(ctx: Ctx, query: RevenueSummaryQuery): Promise<RevenueSummary> {
    return this.queries.revenueSummary(ctx, query)
  }

  /**
   * Every account's balance in a currency and whether they add up to zero, as they must.
   * Administrators and jobs only.
   */
  trialBalance(ctx: Ctx, currency: Currency): Promise<TrialBalance> {
    return this.queries.trialBalance(ctx, currency)
  }

  /** Checks every stored journal; lists the ones that fail. Administrators and jobs only. */
  verifyAll(ctx: Ctx): Promise<{ checked: number; invalid: { id: string; problems: string[] }[] }> {
    return this.queries.verifyAll(ctx)
  }

  /** The journal posted under an idempotency key, if any. Administrators and jobs only. */
  journalByKey(ctx: Ctx, idempotencyKey: string): Promise<JournalDTO | undefined> {
    return this.queries.journalByKey(ctx, idempotencyKey)
  }

  /** An order's journals, oldest first ("order explain"). Administrators and jobs only. */
  journalsForOrder(ctx: Ctx, orderId: string): Promise<JournalDTO[]> {
    return this.queries.journalsForOrder(ctx, orderId)
  }

  /** Checks one journal: shape, accounts, store scoping, and that its entries sum to zero. */
  verifyJournal(journal: Pick<JournalDTO, 'currency' | 'entries' | 'refs'>): JournalCheck {
    return checkJournal(journal)
  }
}
