/**
 * The ledger's chart of accounts (docs/payments.md explains each one with examples).
 *
 * Sign convention: every entry has a signed integer `amount` in minor units; positive is a
 * debit, negative a credit; the entries of a journal sum to zero. Debit-normal accounts
 * (`platform:cash`, `platform:paid_out`) are shown to people as their sum; every other account
 * is credit-normal and is shown as its negated sum, so a seller's balances read as positive
 * numbers.
 *
 * The books have two sides that always agree:
 * - money (debit-normal): where the money buyers paid is now, still at Paystack (`cash`) or
 *   already sent out to buyers and sellers (`paid_out`);
 * - claims (credit-normal): whose that money is: the platform's commission, a seller's pending,
 *   available, in-transit and paid shares, and the buyers' refunds.
 */
export const PLATFORM_ACCOUNTS = {
  /** Money the platform holds at Paystack (debit-normal). */
  cash: 'platform:cash',
  /** Money that has left Paystack: refunds to buyers and settled transfers to sellers (debit-normal). */
  paidOut: 'platform:paid_out',
  /** Platform revenue: commission on sales, less commission reversed by refunds. */
  commission: 'platform:commission',
  /** Refunds paid out to buyers, cumulative. */
  refunds: 'platform:refunds',
  /** Transfers sent to sellers that Paystack has not settled yet. */
  payoutsInTransit: 'platform:payouts_in_transit',
  /** Platform revenue: sellers' plan subscriptions paid through Paystack (docs/plans.md). */
  subscriptions: 'platform:subscriptions',
  /**
   * Paystack's fees (debit-normal expense): on the charges it took for us, from the verify
   * answer, and on the transfers it paid to sellers, from the transfer's `fee_charged`.
   */
  processingFees: 'platform:processing_fees',
} as const
export type PlatformAccount = (typeof PLATFORM_ACCOUNTS)[keyof typeof PLATFORM_ACCOUNTS]

/**
 * A seller's three accounts: `pending` (sold, not yet past the return window), `available`
 * (payable at the next payout) and `paid` (settled transfers, cumulative).
 */
export const SELLER_BUCKETS = ['pending', 'available', 'paid'] as const
export type SellerBucket = (typeof SELLER_BUCKETS)[number]

/** Accounts whose balance is shown as its sum; all others are shown negated. */
export const DEBIT_NORMAL_ACCOUNTS: readonly string[] = [
  PLATFORM_ACCOUNTS.cash,
  PLATFORM_ACCOUNTS.paidOut,
  PLATFORM_ACCOUNTS.processingFees,
]

const platformNames = new Set<string>(Object.values(PLATFORM_ACCOUNTS))
const sellerAccountPattern = /^seller:([0-9a-f]{24}):(pending|available|paid)$/

/** The account of one of a store's buckets: `seller:<storeId>:<bucket>`. */
export const sellerAccount = (storeId: string, bucket: SellerBucket): string =>
  `seller:${storeId}:${bucket}`

export type ParsedAccount =
  | { owner: 'platform'; account: PlatformAccount }
  | { owner: 'seller'; storeId: string; bucket: SellerBucket }

/** Reads an account name; undefined when it is not one of ours. */
export function parseAccount(account: string): ParsedAccount | undefined {
  if (platformNames.has(account)) return { owner: 'platform', account: account as PlatformAccount }
  const match = sellerAccountPattern.exec(account)
  if (!match) return undefined
  return { owner: 'seller', storeId: match[1]!, bucket: match[2] as SellerBucket }
}

export const isLedgerAccount = (account: string): boolean => parseAccount(account) !== undefined

/** An account's balance as people read it: debit-normal accounts as is, the others negated. */
export const displayBalance = (account: string, sum: number): number =>
  DEBIT_NORMAL_ACCOUNTS.includes(account) ? sum : -sum || 0
