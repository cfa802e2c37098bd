import { op } from '../db/query.js'
import { type Ctx, isAdmin, requireAdminOrSystem, requireRole } from '../shared/ctx.js'
import { NotFoundError, ValidationError } from '../shared/errors.js'
import type { Currency } from '../shared/money.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import type { StoreLookup } from '../stores/store.types.js'
import {
  displayBalance,
  PLATFORM_ACCOUNTS,
  parseAccount,
  sellerAccount,
} from './ledger.accounts.js'
import { cleanRefs, legOf, toJournalDTO } from './ledger.journals.js'
import type { JournalDoc, JournalModel } from './ledger.model.js'
import { checkJournal } from './ledger.rules.js'
import {
  type RevenueSummaryQuery,
  revenueSummaryQuery,
  type StoreLedgerQuery,
  storeLedgerQuery,
} from './ledger.schemas.js'
import type {
  JournalDTO,
  RevenueFigures,
  RevenueSummary,
  StoreAvailable,
  StoreBalances,
  StoreLedgerEntryDTO,
  TrialBalance,
} from './ledger.types.js'

const { cash, commission, refunds, payoutsInTransit } = PLATFORM_ACCOUNTS

const emptyFigures = (): RevenueFigures => ({
  grossSales: 0,
  commission: 0,
  refunds: 0,
  payouts: 0,
  fees: 0,
  netRevenue: 0,
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
    else if (entry.account === PLATFORM_ACCOUNTS.processingFees) figures.fees += entry.amount
  }
  figures.netRevenue = figures.commission - figures.fees
  return figures
}

/**
 * The ledger's reads and reports: balances, statements, revenue, the trial balance and the
 * checks. Reads are for administrators and jobs, and for a seller on their own store only.
 */
export class LedgerQueries {
  constructor(
    private deps: { journals: JournalModel; stores: Pick<StoreLookup, 'requireOwnStore'> },
  ) {}

  /**
   * The sum of an account's entries in a currency (positive = debit balance; see
   * `displayBalance` for how people read it). Sellers may read their own store's accounts.
   * @throws ValidationError `unknown_account`, NotFoundError for another seller's account.
   */
  async balance(ctx: Ctx, account: string, currency: Currency): Promise<number> {
    const parsed = parseAccount(account)
    if (!parsed) throw new ValidationError('Unknown ledger account', { account }, 'unknown_account')
    if (parsed.owner === 'seller') await this.assertCanReadStore(ctx, parsed.storeId)
    else requireAdminOrSystem(ctx)
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
    requireAdminOrSystem(ctx)
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
    let subscriptions = 0
    for await (const journal of journals) {
      subscriptions -= legOf(journal, PLATFORM_ACCOUNTS.subscriptions)
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
        target.fees += figures.fees
        target.netRevenue += figures.netRevenue
      }
    }
    return {
      currency: q.currency,
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      totals,
      subscriptions,
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
    requireAdminOrSystem(ctx)
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
    requireAdminOrSystem(ctx)
    const doc = await this.deps.journals.findOne({ idempotencyKey }).lean()
    return doc ? toJournalDTO(doc) : undefined
  }

  /** An order's journals, oldest first ("order explain"). Administrators and jobs only. */
  async journalsForOrder(ctx: Ctx, orderId: string): Promise<JournalDTO[]> {
    requireAdminOrSystem(ctx)
    const docs = await this.deps.journals.find({ 'refs.orderId': orderId }).sort({ _id: 1 }).lean()
    return docs.map(toJournalDTO)
  }

  /** A store's balances, unchecked: for the ledger's own postings and the reads above. */
  async balancesOf(storeId: string, currency: Currency): Promise<StoreBalances> {
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
