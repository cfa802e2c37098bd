import type { Currency } from '../shared/money.js'

/**
 * What a journal records. `sale`, `release`, `refund` and `payout_*` are written only by the
 * ledger's domain methods, which compute their entries; `adjustment` is the one kind a caller
 * may post with entries of its own (a correction, always a new journal).
 */
export const JOURNAL_KINDS = [
  'sale',
  'release',
  'refund',
  'payout_sent',
  'payout_settled',
  'payout_failed',
  'payout_reversed',
  'adjustment',
  'subscription_fee',
  'processing_fee',
  'transfer_fee',
] as const
export type JournalKind = (typeof JOURNAL_KINDS)[number]

/** A store's available balance, as people read it (negative: the seller owes the platform). */
export interface StoreAvailable {
  storeId: string
  available: number
}

/** One line of a journal: a signed amount in minor units, positive = debit. */
export interface LedgerEntry {
  account: string
  amount: number
}

/** What a journal is about; `storeId` is set on every journal that touches a seller. */
export interface JournalRefs {
  orderId?: string
  orderGroupId?: string
  storeId?: string
  payoutId?: string
  refundId?: string
}

export interface JournalDTO {
  id: string
  idempotencyKey: string
  kind: JournalKind
  currency: Currency
  entries: LedgerEntry[]
  refs: JournalRefs
  memo?: string
  postedAt: string
  /** Who posted it (`system:<job>`, `admin-cli:<id>(<os user>)`, ...). */
  postedBy: string
}

/** A store's balances as people read them (positive = money the seller has in that bucket). */
export interface StoreBalances {
  storeId: string
  currency: Currency
  pending: number
  available: number
  inTransit: number
  paid: number
}

/** How one journal changed a store's buckets, as the seller reads it (positive = grew). */
export interface StoreLedgerEntryDTO {
  id: string
  kind: JournalKind
  currency: Currency
  postedAt: string
  refs: Omit<JournalRefs, 'storeId'>
  memo?: string
  changes: { pending?: number; available?: number; inTransit?: number; paid?: number }
}

/** Money figures of a period, all positive for people. */
export interface RevenueFigures {
  /** What buyers paid for orders sold in the period. */
  grossSales: number
  /** Commission earned in the period, less commission reversed by refunds in the period. */
  commission: number
  /** Refunds paid out to buyers in the period. */
  refunds: number
  /** Transfers to sellers settled in the period. */
  payouts: number
  /**
   * Paystack's fees booked in the period: on the payments verified and on the transfers to
   * sellers paid (booked per payment and per transfer, not per store: 0 in a store's figures).
   */
  fees: number
  /** What the platform kept: commission less Paystack's fees. */
  netRevenue: number
}

export interface RevenueSummary {
  currency: Currency
  from: string
  to: string
  totals: RevenueFigures
  /** Seller plan subscriptions paid in the period: platform revenue besides commission. */
  subscriptions: number
  /** Per store, when asked for; stores with no activity in the period are left out. */
  stores?: ({ storeId: string } & RevenueFigures)[]
}

export interface TrialBalance {
  currency: Currency
  /** Each account's sum of entries (positive = debit balance), by account name. */
  accounts: { account: string; balance: number }[]
  totalDebit: number
  totalCredit: number
  /** Zero when the books balance. */
  difference: number
  balanced: boolean
}

export interface JournalCheck {
  ok: boolean
  problems: string[]
}
