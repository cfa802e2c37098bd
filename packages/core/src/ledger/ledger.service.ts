import { op } from '../db/query.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, describeActor, isAdmin, requireRole } from '../shared/ctx.js'
import {
  ConflictError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
} from '../shared/errors.js'
import { type Currency, shareOf } from '../shared/money.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import type { StoreLookup } from '../stores/store.types.js'
import {
  displayBalance,
  PLATFORM_ACCOUNTS,
  parseAccount,
  type SellerBucket,
  sellerAccount,
} from './ledger.accounts.js'
import type { JournalDoc, JournalModel } from './ledger.model.js'
import {
  canonicalEntries,
  checkJournal,
  journalShapeProblems,
  nonZero,
  splitRefund,
  sumEntries,
} from './ledger.rules.js'
import {
  type PayoutOutcomeInput,
  type PostJournalInput,
  payoutOutcomeInput,
  postJournalInput,
  type RecordPayoutSentInput,
  type RecordRefundInput,
  type RecordSaleInput,
  type ReleaseToAvailableInput,
  type RevenueSummaryQuery,
  recordPayoutSentInput,
  recordRefundInput,
  recordSaleInput,
  releaseToAvailableInput,
  revenueSummaryQuery,
  type StoreLedgerQuery,
  storeLedgerQuery,
} from './ledger.schemas.js'
import type {
  JournalCheck,
  JournalDTO,
  JournalKind,
  JournalRefs,
  LedgerEntry,
  RevenueFigures,
  RevenueSummary,
  StoreAvailable,
  StoreBalances,
  StoreLedgerEntryDTO,
  TrialBalance,
} from './ledger.types.js'

export interface LedgerDeps {
  journals: JournalModel
  clock: Clock
  /** Finds the signed-in seller's store, so that a seller reads only their own balances. */
  stores: Pick<StoreLookup, 'requireOwnStore'>
}

/** A journal ready to insert. */
interface JournalDraft {
  idempotencyKey: string
  slotKey: string
  kind: JournalKind
  currency: Currency
  entries: LedgerEntry[]
  refs: JournalRefs
  memo?: string
}

/** An order's journals, oldest first. */
interface OrderHistory {
  sale?: JournalDoc
  releases: JournalDoc[]
  refunds: JournalDoc[]
}

/** Attempts at an order's or payout's sequence before giving up under contention. */
const MAX_ATTEMPTS = 5

const { cash, paidOut, commission, refunds, payoutsInTransit } = PLATFORM_ACCOUNTS

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000

const cleanRefs = (refs: JournalRefs | undefined): JournalRefs => {
  const out: JournalRefs = {}
  for (const key of ['orderId', 'orderGroupId', 'storeId', 'payoutId', 'refundId'] as const) {
    const value = refs?.[key]
    if (typeof value === 'string') out[key] = value
  }
  return out
}

export function toJournalDTO(doc: JournalDoc): JournalDTO {
  return {
    id: String(doc._id),
    idempotencyKey: doc.idempotencyKey,
    kind: doc.kind,
    currency: doc.currency,
    entries: doc.entries.map((entry) => ({ account: entry.account, amount: entry.amount })),
    refs: cleanRefs(doc.refs),
    ...(doc.memo ? { memo: doc.memo } : {}),
    postedAt: doc.postedAt.toISOString(),
    postedBy: doc.postedBy,
  }
}

/** The sum of a journal's entries on one account (0 when it has none). */
const legOf = (journal: Pick<JournalDoc, 'entries'>, account: string): number =>
  journal.entries.reduce((sum, entry) => (entry.account === account ? sum + entry.amount : sum), 0)

const sameEntries = (a: readonly LedgerEntry[], b: readonly LedgerEntry[]): boolean =>
  JSON.stringify(canonicalEntries(a)) === JSON.stringify(canonicalEntries(b))

const sameRefs = (a: JournalRefs | undefined, b: JournalRefs | undefined): boolean =>
  JSON.stringify(cleanRefs(a)) === JSON.stringify(cleanRefs(b))

/** A replay matches when it would have written the very same journal. */
const sameJournal =
  (draft: JournalDraft) =>
  (existing: JournalDoc): boolean =>
    existing.kind === draft.kind &&
    existing.currency === draft.currency &&
    sameEntries(existing.entries, draft.entries) &&
    sameRefs(existing.refs, draft.refs)

const emptyFigures = (): RevenueFigures => ({
  grossSales: 0,
  commission: 0,
  refunds: 0,
  payouts: 0,
})

/** What one journal adds to the revenue figures. */
function revenueFiguresOf(journal: Pick<JournalDoc, 'kind' | 'entries'>): RevenueFigures {
  const figures = emptyFigures()
  for (const entry of journal.entries) {
    const parsed = parseAccount(entry.account)
    if (entry.account === cash && journal.kind === 'sale') figures.grossSales += entry.amount
    else if (entry.account === commission) figures.commission -= entry.amount
    else if (entry.account === refunds) figures.refunds -= entry.amount
    else if (parsed?.owner === 'seller' && parsed.bucket === 'paid') figures.payouts -= entry.amount
  }
  return figures
}

/**
 * The commission ledger: double-entry, append-only, integer minor units, one currency per
 * journal (docs/payments.md). Posting methods are internal: other core services call them with
 * a system or administrator ctx. Reads are for administrators and jobs, and for a seller on
 * their own store only.
 */
export class LedgerService {
  constructor(private deps: LedgerDeps) {}

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
    const data = validateInput(postJournalInput, input)
    const draft: JournalDraft = {
      idempotencyKey: data.idempotencyKey,
      slotKey: data.idempotencyKey,
      kind: data.kind,
      currency: data.currency,
      entries: data.entries.map((entry) => ({ account: entry.account, amount: entry.amount })),
      refs: cleanRefs(data.refs),
      ...(data.memo ? { memo: data.memo } : {}),
    }
    return this.postSequenced(ctx, draft.idempotencyKey, sameJournal(draft), async () => draft)
  }

  /**
   * Books a paid store order: the gross into platform cash, the commission (`shareOf(gross,
   * rate)`, half up) to platform revenue, the rest to the seller's pending balance.
   * Key `sale:<orderId>`. @throws ConflictError `idempotency_conflict` when the order was booked
   * with other figures.
   */
  async recordSale(ctx: Ctx, input: RecordSaleInput): Promise<JournalDTO> {
    requireRole(ctx, 'admin')
    const data = validateInput(recordSaleInput, input)
    const fee = shareOf(data.gross, data.commissionRateBps)
    const draft: JournalDraft = {
      idempotencyKey: `sale:${data.orderId}`,
      slotKey: `sale:${data.orderId}`,
      kind: 'sale',
      currency: data.currency,
      entries: nonZero([
        { account: cash, amount: data.gross },
        { account: commission, amount: -fee },
        { account: sellerAccount(data.storeId, 'pending'), amount: -(data.gross - fee) },
      ]),
      refs: { orderId: data.orderId, orderGroupId: data.orderGroupId, storeId: data.storeId },
    }
    return this.postSequenced(ctx, draft.idempotencyKey, sameJournal(draft), async () => draft)
  }

  /**
   * Moves the seller's share of an order still pending (its share less refunds taken from
   * pending) to available, once the return window has passed. Key `release:<orderId>`.
   * @throws InvalidStateError `sale_not_recorded`, `store_mismatch`, `currency_mismatch`,
   *   `release_amount_mismatch` (the given amount is not what is pending), `nothing_to_release`.
   */
  async releaseToAvailable(ctx: Ctx, input: ReleaseToAvailableInput): Promise<JournalDTO> {
    requireRole(ctx, 'admin')
    const data = validateInput(releaseToAvailableInput, input)
    const key = `release:${data.orderId}`
    const pendingAccount = sellerAccount(data.storeId, 'pending')
    const same = (existing: JournalDoc) =>
      existing.kind === 'release' &&
      existing.currency === data.currency &&
      existing.refs?.orderId === data.orderId &&
      existing.refs?.storeId === data.storeId &&
      (data.amount === undefined || legOf(existing, pendingAccount) === data.amount)
    return this.postSequenced(ctx, key, same, async () => {
      const history = await this.orderHistory(data.orderId)
      const sale = this.requireSale(history, data.storeId, data.currency)
      const takenByRefunds = history.refunds.reduce((sum, j) => sum + legOf(j, pendingAccount), 0)
      const stillPending = -legOf(sale, pendingAccount) - takenByRefunds
      if (data.amount !== undefined && data.amount !== stillPending) {
        throw new InvalidStateError(
          'The amount to release is not what is pending for this order',
          'release_amount_mismatch',
          { pending: stillPending },
        )
      }
      if (stillPending <= 0) {
        throw new InvalidStateError('Nothing is pending for this order', 'nothing_to_release')
      }
      return {
        idempotencyKey: key,
        slotKey: this.orderSlot(data.orderId, history),
        kind: 'release',
        currency: data.currency,
        entries: [
          { account: pendingAccount, amount: stillPending },
          { account: sellerAccount(data.storeId, 'available'), amount: -stillPending },
        ],
        refs: cleanRefs({
          orderId: data.orderId,
          orderGroupId: sale.refs?.orderGroupId,
          storeId: data.storeId,
        }),
      }
    })
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
    requireRole(ctx, 'admin')
    const data = validateInput(recordRefundInput, input)
    const key = `refund:${data.refundId}`
    // A replay is judged on what was asked, not on entries recomputed from today's history.
    const same = (existing: JournalDoc) =>
      existing.kind === 'refund' &&
      existing.currency === data.currency &&
      existing.refs?.orderId === data.orderId &&
      existing.refs?.storeId === data.storeId &&
      -legOf(existing, refunds) === data.amount
    return this.postSequenced(ctx, key, same, async () => {
      const history = await this.orderHistory(data.orderId)
      const sale = this.requireSale(history, data.storeId, data.currency)
      const released = history.releases.length > 0
      if (released !== (data.orderState === 'available_funds')) {
        throw new InvalidStateError(
          'The ledger disagrees on whether this order’s funds were released',
          'order_state_mismatch',
          { ledger: released ? 'available_funds' : 'pending_funds' },
        )
      }
      const gross = legOf(sale, cash)
      const refundedBefore = history.refunds.reduce((sum, j) => sum - legOf(j, refunds), 0)
      if (refundedBefore + data.amount > gross) {
        throw new InvalidStateError(
          'The refund exceeds what is left of the sale',
          'refund_exceeds_sale',
          {
            refundable: gross - refundedBefore,
          },
        )
      }
      const split = splitRefund({
        gross,
        commission: -legOf(sale, commission),
        refundedBefore,
        commissionReversedBefore: history.refunds.reduce((sum, j) => sum + legOf(j, commission), 0),
        amount: data.amount,
      })
      const bucket: SellerBucket = released ? 'available' : 'pending'
      return {
        idempotencyKey: key,
        slotKey: this.orderSlot(data.orderId, history),
        kind: 'refund',
        currency: data.currency,
        entries: nonZero([
          { account: commission, amount: split.commission },
          { account: sellerAccount(data.storeId, bucket), amount: split.seller },
          { account: refunds, amount: -data.amount },
          { account: cash, amount: -data.amount },
          { account: paidOut, amount: data.amount },
        ]),
        refs: cleanRefs({
          orderId: data.orderId,
          orderGroupId: sale.refs?.orderGroupId,
          storeId: data.storeId,
          refundId: data.refundId,
        }),
      }
    })
  }

  /**
   * Books a transfer sent to a seller: their available balance moves to payouts in transit.
   * Money stays at Paystack until the transfer settles. Key `payout:<payoutId>:sent`.
   * @throws InvalidStateError `insufficient_available` when the payout exceeds the store's
   *   available balance; ConflictError `idempotency_conflict`.
   */
  async recordPayoutSent(ctx: Ctx, input: RecordPayoutSentInput): Promise<JournalDTO> {
    requireRole(ctx, 'admin')
    const data = validateInput(recordPayoutSentInput, input)
    const draft: JournalDraft = {
      idempotencyKey: `payout:${data.payoutId}:sent`,
      slotKey: `payout:${data.payoutId}:sent`,
      kind: 'payout_sent',
      currency: data.currency,
      entries: [
        { account: sellerAccount(data.storeId, 'available'), amount: data.amount },
        { account: payoutsInTransit, amount: -data.amount },
      ],
      refs: { payoutId: data.payoutId, storeId: data.storeId },
    }
    return this.postSequenced(ctx, draft.idempotencyKey, sameJournal(draft), async () => {
      const { available } = await this.balancesOf(data.storeId, data.currency)
      if (data.amount > available) {
        throw new InvalidStateError(
          'The payout exceeds the store’s available balance',
          'insufficient_available',
          { available },
        )
      }
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
    requireRole(ctx, 'admin')
    const data = validateInput(payoutOutcomeInput, input)
    const key = `payout:${data.payoutId}:reversed`
    const same = (existing: JournalDoc) => existing.kind === 'payout_reversed'
    return this.postSequenced(ctx, key, same, async () => {
      const settled = await this.byKey(`payout:${data.payoutId}:settled`)
      if (!settled) {
        throw new InvalidStateError(
          'This payout has not settled, so there is no settlement to reverse',
          'payout_not_settled',
        )
      }
      const storeId = settled.refs?.storeId ?? ''
      const amount = legOf(settled, paidOut)
      return {
        idempotencyKey: key,
        // Its own slot: the outcome slot is the settlement's, and the key alone makes it once.
        slotKey: key,
        kind: 'payout_reversed',
        currency: settled.currency,
        entries: [
          { account: sellerAccount(storeId, 'paid'), amount },
          { account: sellerAccount(storeId, 'available'), amount: -amount },
          { account: paidOut, amount: -amount },
          { account: cash, amount },
        ],
        refs: { payoutId: data.payoutId, storeId },
        ...(data.memo ? { memo: data.memo } : {}),
      }
    })
  }

  private async resolvePayout(
    ctx: Ctx,
    input: PayoutOutcomeInput,
    kind: 'payout_settled' | 'payout_failed',
  ): Promise<JournalDTO> {
    requireRole(ctx, 'admin')
    const data = validateInput(payoutOutcomeInput, input)
    const outcome = kind === 'payout_settled' ? 'settled' : 'failed'
    const key = `payout:${data.payoutId}:${outcome}`
    const same = (existing: JournalDoc) => existing.kind === kind
    return this.postSequenced(
      ctx,
      key,
      same,
      async () => {
        const sent = await this.byKey(`payout:${data.payoutId}:sent`)
        if (!sent) throw new InvalidStateError('This payout was never sent', 'payout_not_sent')
        const storeId = sent.refs?.storeId ?? ''
        const amount = -legOf(sent, payoutsInTransit)
        const entries: LedgerEntry[] =
          kind === 'payout_settled'
            ? [
                { account: payoutsInTransit, amount },
                { account: sellerAccount(storeId, 'paid'), amount: -amount },
                { account: cash, amount: -amount },
                { account: paidOut, amount },
              ]
            : [
                { account: payoutsInTransit, amount },
                { account: sellerAccount(storeId, 'available'), amount: -amount },
              ]
        return {
          idempotencyKey: key,
          // Settled and failed claim the same slot: a transfer resolves at most once.
          slotKey: `payout:${data.payoutId}:outcome`,
          kind,
          currency: sent.currency,
          entries,
          refs: { payoutId: data.payoutId, storeId },
          ...(data.memo ? { memo: data.memo } : {}),
        }
      },
      () =>
        new InvalidStateError(
          `This payout was already ${outcome === 'settled' ? 'failed' : 'settled'}`,
          'payout_already_resolved',
        ),
    )
  }

  // ---- reads -------------------------------------------------------------------------------

  /**
   * The sum of an account's entries in a currency (positive = debit balance; see
   * `displayBalance` for how people read it). Sellers may read their own store's accounts.
   * @throws ValidationError `unknown_account`, NotFoundError for another seller's account.
   */
  async balance(ctx: Ctx, account: string, currency: Currency): Promise<number> {
    const parsed = parseAccount(account)
    if (!parsed) throw new ValidationError('Unknown ledger account', { account }, 'unknown_account')
    if (parsed.owner === 'seller') await this.assertCanReadStore(ctx, parsed.storeId)
    else requireRole(ctx, 'admin')
    const rows = await this.deps.journals.aggregate<{ total: number }>([
      { $match: { currency, 'entries.account': account } },
      { $unwind: '$entries' },
      { $match: { 'entries.account': account } },
      { $group: { _id: null, total: { $sum: '$entries.amount' } } },
    ])
    return rows[0]?.total ?? 0
  }

  /**
   * A store's balances as positive numbers: pending, available (what the next payout pays; may
   * be negative after refunds of money already paid out), in transit, and paid so far.
   * @throws NotFoundError when a seller asks about a store that is not theirs.
   */
  async storeBalances(ctx: Ctx, storeId: string, currency: Currency): Promise<StoreBalances> {
    await this.assertCanReadStore(ctx, storeId)
    return this.balancesOf(storeId, currency)
  }

  /** The signed-in seller's own balances. @throws NotFoundError when they have no store. */
  async ownBalances(ctx: Ctx, currency: Currency): Promise<StoreBalances> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    return this.balancesOf(store.id, currency)
  }

  /**
   * A store's statement, newest first: each journal that touched the store and how it changed
   * each bucket. @throws NotFoundError when a seller asks about a store that is not theirs.
   */
  async listEntriesForStore(
    ctx: Ctx,
    storeId: string,
    query: Partial<StoreLedgerQuery> = {},
  ): Promise<Page<StoreLedgerEntryDTO>> {
    await this.assertCanReadStore(ctx, storeId)
    return this.statementOf(storeId, validateInput(storeLedgerQuery, query))
  }

  /** The signed-in seller's own statement (`GET /api/v1/seller/ledger`). */
  async ownEntries(
    ctx: Ctx,
    query: Partial<StoreLedgerQuery> = {},
  ): Promise<Page<StoreLedgerEntryDTO>> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    return this.statementOf(store.id, validateInput(storeLedgerQuery, query))
  }

  /**
   * Every store's available balance in a currency, for the stores where it is not zero
   * (negative: a refund of money already paid out), by store id. Payout runs survey from it,
   * so a store with money and no payout account is still seen. Administrators and jobs only.
   */
  async availableBalances(ctx: Ctx, currency: Currency): Promise<StoreAvailable[]> {
    requireRole(ctx, 'admin')
    // Grouped by account, then the `seller:<id>:available` ones kept here: after `$unwind` only
    // the entry is left (FerretDB v1), and matching account names by pattern is not worth it
    // for three rows per store.
    const rows = await this.deps.journals.aggregate<{ _id: string; total: number }>([
      { $match: { currency } },
      { $unwind: '$entries' },
      { $group: { _id: '$entries.account', total: { $sum: '$entries.amount' } } },
    ])
    const out: StoreAvailable[] = []
    for (const row of rows) {
      const parsed = parseAccount(row._id)
      if (parsed?.owner !== 'seller' || parsed.bucket !== 'available') continue
      const available = displayBalance(row._id, row.total)
      if (available !== 0) out.push({ storeId: parsed.storeId, available })
    }
    return out.sort((a, b) => (a.storeId < b.storeId ? -1 : a.storeId > b.storeId ? 1 : 0))
  }

  /**
   * Gross sales, net commission, refunds and settled payouts of the period `[from, to)` by
   * posting time, in total and optionally per store. Administrators only.
   */
  async revenueSummary(ctx: Ctx, query: RevenueSummaryQuery): Promise<RevenueSummary> {
    requireRole(ctx, 'admin')
    const q = validateInput(revenueSummaryQuery, query)
    // Streamed and added up here: FerretDB v1's $unwind drops every field but the unwound one,
    // so a pipeline cannot group entries by the journal's kind or store.
    const journals = this.deps.journals
      .find({ currency: q.currency, postedAt: op({ $gte: q.from, $lt: q.to }) })
      .select({ kind: 1, entries: 1, refs: 1 })
      .lean()
      .cursor()
    const totals = emptyFigures()
    const perStore = new Map<string, RevenueFigures>()
    for await (const journal of journals) {
      const figures = revenueFiguresOf(journal)
      const storeId = journal.refs?.storeId
      const targets = [totals]
      if (q.byStore && storeId) {
        const store = perStore.get(storeId) ?? emptyFigures()
        perStore.set(storeId, store)
        targets.push(store)
      }
      for (const target of targets) {
        target.grossSales += figures.grossSales
        target.commission += figures.commission
        target.refunds += figures.refunds
        target.payouts += figures.payouts
      }
    }
    return {
      currency: q.currency,
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      totals,
      ...(q.byStore
        ? {
            stores: [...perStore.entries()]
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([storeId, figures]) => ({ storeId, ...figures })),
          }
        : {}),
    }
  }

  /**
   * Every account's balance in a currency and whether they add up to zero, as they must.
   * Administrators and jobs only.
   */
  async trialBalance(ctx: Ctx, currency: Currency): Promise<TrialBalance> {
    requireRole(ctx, 'admin')
    const rows = await this.deps.journals.aggregate<{ _id: string; total: number }>([
      { $match: { currency } },
      { $unwind: '$entries' },
      { $group: { _id: '$entries.account', total: { $sum: '$entries.amount' } } },
      { $sort: { _id: 1 } },
    ])
    const accounts = rows.map((row) => ({ account: row._id, balance: row.total }))
    const totalDebit = accounts.reduce((sum, a) => sum + Math.max(a.balance, 0), 0)
    const totalCredit = accounts.reduce((sum, a) => sum + Math.max(-a.balance, 0), 0)
    return {
      currency,
      accounts,
      totalDebit,
      totalCredit,
      difference: totalDebit - totalCredit,
      balanced: totalDebit === totalCredit,
    }
  }

  /** Checks one journal: shape, accounts, store scoping, and that its entries sum to zero. */
  verifyJournal(journal: Pick<JournalDTO, 'currency' | 'entries' | 'refs'>): JournalCheck {
    return checkJournal(journal)
  }

  /** Checks every stored journal; lists the ones that fail. Administrators and jobs only. */
  async verifyAll(
    ctx: Ctx,
  ): Promise<{ checked: number; invalid: { id: string; problems: string[] }[] }> {
    requireRole(ctx, 'admin')
    let checked = 0
    const invalid: { id: string; problems: string[] }[] = []
    for await (const doc of this.deps.journals.find().sort({ _id: 1 }).lean().cursor()) {
      checked++
      const check = checkJournal({
        currency: doc.currency,
        entries: doc.entries,
        refs: cleanRefs(doc.refs),
      })
      if (!check.ok) invalid.push({ id: String(doc._id), problems: check.problems })
    }
    return { checked, invalid }
  }

  /** The journal posted under an idempotency key, if any. Administrators and jobs only. */
  async journalByKey(ctx: Ctx, idempotencyKey: string): Promise<JournalDTO | undefined> {
    requireRole(ctx, 'admin')
    const doc = await this.byKey(idempotencyKey)
    return doc ? toJournalDTO(doc) : undefined
  }

  /** An order's journals, oldest first ("order explain"). Administrators and jobs only. */
  async journalsForOrder(ctx: Ctx, orderId: string): Promise<JournalDTO[]> {
    requireRole(ctx, 'admin')
    const docs = await this.deps.journals.find({ 'refs.orderId': orderId }).sort({ _id: 1 }).lean()
    return docs.map(toJournalDTO)
  }

  // ---- internals ---------------------------------------------------------------------------

  /**
   * Posts at most once per key. A journal already under the key is returned if `same` accepts
   * it (a replay), else ConflictError `idempotency_conflict`. Otherwise `build` computes the
   * journal from current state and it is inserted; when the insert loses a race on its slot to
   * another journal of the sequence, `slotTaken` says why, or (no error) the journal is
   * computed again from the new state.
   */
  private async postSequenced(
    ctx: Ctx,
    key: string,
    same: (existing: JournalDoc) => boolean,
    build: () => Promise<JournalDraft>,
    slotTaken: () => Error | undefined = () => undefined,
  ): Promise<JournalDTO> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.byKey(key)
      if (existing) return this.replay(existing, same)
      const inserted = await this.insert(ctx, await build())
      if (inserted) return toJournalDTO(inserted)
      const winner = await this.byKey(key)
      if (winner) return this.replay(winner, same)
      const error = slotTaken()
      if (error) throw error
    }
    throw new ConflictError('The ledger kept changing under this posting; try again', 'ledger_busy')
  }

  private replay(existing: JournalDoc, same: (existing: JournalDoc) => boolean): JournalDTO {
    if (!same(existing)) {
      throw new ConflictError(
        'This idempotency key was already used for a different journal',
        'idempotency_conflict',
        { journalId: String(existing._id) },
      )
    }
    return toJournalDTO(existing)
  }

  /** Inserts a checked journal; undefined when a unique key (idempotency or slot) is taken. */
  private async insert(ctx: Ctx, draft: JournalDraft): Promise<JournalDoc | undefined> {
    const problems = journalShapeProblems(draft)
    if (problems.length > 0) {
      throw new ValidationError('Invalid journal', { problems }, 'invalid_journal')
    }
    const sum = sumEntries(draft.entries)
    if (sum !== 0n) {
      throw new InvalidStateError('Journal entries do not sum to zero', 'unbalanced_journal', {
        sum: sum.toString(),
      })
    }
    try {
      const doc = await this.deps.journals.create({
        idempotencyKey: draft.idempotencyKey,
        slotKey: draft.slotKey,
        kind: draft.kind,
        currency: draft.currency,
        entries: draft.entries,
        refs: draft.refs,
        ...(draft.memo ? { memo: draft.memo } : {}),
        postedAt: this.deps.clock.now(),
        postedBy: describeActor(ctx.actor),
      })
      return doc.toObject()
    } catch (error) {
      if (isDuplicateKey(error)) return undefined
      throw error
    }
  }

  private async byKey(idempotencyKey: string): Promise<JournalDoc | null> {
    return this.deps.journals.findOne({ idempotencyKey }).lean()
  }

  private async orderHistory(orderId: string): Promise<OrderHistory> {
    const docs = await this.deps.journals.find({ 'refs.orderId': orderId }).sort({ _id: 1 }).lean()
    return {
      sale: docs.find((doc) => doc.kind === 'sale'),
      releases: docs.filter((doc) => doc.kind === 'release'),
      refunds: docs.filter((doc) => doc.kind === 'refund'),
    }
  }

  /**
   * The next slot of an order's release-and-refund sequence: two postings computed from the
   * same history claim the same slot, so only one lands and the other is recomputed.
   */
  private orderSlot(orderId: string, history: OrderHistory): string {
    return `order:${orderId}:seq:${history.releases.length + history.refunds.length + 1}`
  }

  private requireSale(history: OrderHistory, storeId: string, currency: Currency): JournalDoc {
    const { sale } = history
    if (!sale)
      throw new InvalidStateError('No sale is recorded for this order', 'sale_not_recorded')
    if (sale.refs?.storeId !== storeId) {
      throw new InvalidStateError('The order was sold by another store', 'store_mismatch')
    }
    if (sale.currency !== currency) {
      throw new InvalidStateError(`The order was sold in ${sale.currency}`, 'currency_mismatch')
    }
    return sale
  }

  private async balancesOf(storeId: string, currency: Currency): Promise<StoreBalances> {
    // Every journal that touches a store carries refs.storeId (checkJournal), so one pipeline
    // over the store's journals gives its buckets and its share of payouts in transit.
    const rows = await this.deps.journals.aggregate<{ _id: string; total: number }>([
      { $match: { currency, 'refs.storeId': storeId } },
      { $unwind: '$entries' },
      { $group: { _id: '$entries.account', total: { $sum: '$entries.amount' } } },
    ])
    const sums = new Map(rows.map((row) => [row._id, row.total]))
    const shown = (account: string) => displayBalance(account, sums.get(account) ?? 0)
    return {
      storeId,
      currency,
      pending: shown(sellerAccount(storeId, 'pending')),
      available: shown(sellerAccount(storeId, 'available')),
      inTransit: shown(payoutsInTransit),
      paid: shown(sellerAccount(storeId, 'paid')),
    }
  }

  private async statementOf(
    storeId: string,
    query: StoreLedgerQuery,
  ): Promise<Page<StoreLedgerEntryDTO>> {
    const filter: Record<string, unknown> = { 'refs.storeId': storeId }
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.journals
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, (row) => toStoreEntry(row, storeId), idCursorOf)
  }

  /** Admins and jobs read any store; a seller only their own (others' look absent). */
  private async assertCanReadStore(ctx: Ctx, storeId: string): Promise<void> {
    if (ctx.actor.kind === 'system' || isAdmin(ctx)) return
    requireRole(ctx, 'seller')
    const own = await this.deps.stores.requireOwnStore(ctx)
    if (own.id !== storeId) throw new NotFoundError('Store')
  }
}

/** One journal as the seller reads it: how much each of their buckets grew (or shrank). */
function toStoreEntry(doc: JournalDoc, storeId: string): StoreLedgerEntryDTO {
  const changes: StoreLedgerEntryDTO['changes'] = {}
  for (const entry of doc.entries) {
    const parsed = parseAccount(entry.account)
    const bucket =
      parsed?.owner === 'seller' && parsed.storeId === storeId
        ? parsed.bucket
        : entry.account === payoutsInTransit
          ? 'inTransit'
          : undefined
    if (bucket) changes[bucket] = (changes[bucket] ?? 0) - entry.amount
  }
  const { storeId: _store, ...refs } = cleanRefs(doc.refs)
  return {
    id: String(doc._id),
    kind: doc.kind,
    currency: doc.currency,
    postedAt: doc.postedAt.toISOString(),
    refs,
    ...(doc.memo ? { memo: doc.memo } : {}),
    changes,
  }
}
