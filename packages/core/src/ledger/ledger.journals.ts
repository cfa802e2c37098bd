import { InvalidStateError } from '../shared/errors.js'
import { type Currency, shareOf } from '../shared/money.js'
import { PLATFORM_ACCOUNTS, type SellerBucket, sellerAccount } from './ledger.accounts.js'
import type { JournalDoc } from './ledger.model.js'
import { canonicalEntries, nonZero, splitRefund } from './ledger.rules.js'
import type {
  PayoutOutcomeInput,
  PostJournalInput,
  RecordPayoutSentInput,
  RecordProcessingFeeInput,
  RecordRefundInput,
  RecordSaleInput,
  RecordSubscriptionFeeInput,
  RecordTransferFeeInput,
  ReleaseToAvailableInput,
} from './ledger.schemas.js'
import type { JournalDTO, JournalKind, JournalRefs, LedgerEntry } from './ledger.types.js'

/*
 * The journal builders: what each domain posting books, computed from validated input and the
 * journals already posted, with no database. ledger.posting.ts inserts what they build, once;
 * ledger.service.ts wires the two behind `LedgerService`. docs/payments.md states the same rules
 * in words.
 */

/** A stored journal, as far as the builders read it. */
export type PostedJournal = Pick<JournalDoc, 'kind' | 'currency' | 'entries' | 'refs'>

/** A journal ready to insert. */
export interface JournalDraft {
  idempotencyKey: string
  /** A second unique key: journals of one sequence claim slots, so only one of a race lands. */
  slotKey: string
  kind: JournalKind
  currency: Currency
  entries: LedgerEntry[]
  refs: JournalRefs
  memo?: string
}

/** An order's journals, oldest first. */
export interface OrderHistory {
  sale?: PostedJournal | undefined
  releases: PostedJournal[]
  refunds: PostedJournal[]
}

/** Judges whether a journal already under a posting's key is a replay of that posting. */
export type SameJournal = (existing: PostedJournal) => boolean

const { cash, paidOut, commission, refunds, payoutsInTransit } = PLATFORM_ACCOUNTS

/** The refs a journal may carry, and nothing else (a stored document may hold more). */
export const cleanRefs = (refs: JournalRefs | undefined): JournalRefs => {
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
export const legOf = (journal: Pick<JournalDoc, 'entries'>, account: string): number =>
  journal.entries.reduce((sum, entry) => (entry.account === account ? sum + entry.amount : sum), 0)

const sameEntries = (a: readonly LedgerEntry[], b: readonly LedgerEntry[]): boolean =>
  JSON.stringify(canonicalEntries(a)) === JSON.stringify(canonicalEntries(b))

const sameRefs = (a: JournalRefs | undefined, b: JournalRefs | undefined): boolean =>
  JSON.stringify(cleanRefs(a)) === JSON.stringify(cleanRefs(b))

/** A replay matches when it would have written the very same journal. */
export const sameJournal =
  (draft: JournalDraft): SameJournal =>
  (existing) =>
    existing.kind === draft.kind &&
    existing.currency === draft.currency &&
    sameEntries(existing.entries, draft.entries) &&
    sameRefs(existing.refs, draft.refs)

/** Sorts an order's journals (oldest first) into its sale, releases and refunds. */
export function orderHistoryOf(journals: readonly PostedJournal[]): OrderHistory {
  return {
    sale: journals.find((doc) => doc.kind === 'sale'),
    releases: journals.filter((doc) => doc.kind === 'release'),
    refunds: journals.filter((doc) => doc.kind === 'refund'),
  }
}

/**
 * The next slot of an order's release-and-refund sequence: two postings computed from the
 * same history claim the same slot, so only one lands and the other is recomputed.
 */
function orderSlot(orderId: string, history: OrderHistory): string {
  return `order:${orderId}:seq:${history.releases.length + history.refunds.length + 1}`
}

function requireSale(history: OrderHistory, storeId: string, currency: Currency): PostedJournal {
  const { sale } = history
  if (!sale) throw new InvalidStateError('No sale is recorded for this order', 'sale_not_recorded')
  if (sale.refs?.storeId !== storeId) {
    throw new InvalidStateError('The order was sold by another store', 'store_mismatch')
  }
  if (sale.currency !== currency) {
    throw new InvalidStateError(`The order was sold in ${sale.currency}`, 'currency_mismatch')
  }
  return sale
}

/** A correcting journal with caller-made entries, under the caller's `adjustment:` key. */
export function adjustmentJournal(data: PostJournalInput): JournalDraft {
  return {
    idempotencyKey: data.idempotencyKey,
    slotKey: data.idempotencyKey,
    kind: data.kind,
    currency: data.currency,
    entries: data.entries.map((entry) => ({ account: entry.account, amount: entry.amount })),
    refs: cleanRefs(data.refs),
    ...(data.memo ? { memo: data.memo } : {}),
  }
}

/**
 * A paid store order: the gross into platform cash, the commission (`shareOf(gross, rate)`,
 * half up) to platform revenue, the rest to the seller's pending balance. Key `sale:<orderId>`.
 */
export function saleJournal(data: RecordSaleInput): JournalDraft {
  const fee = shareOf(data.gross, data.commissionRateBps)
  return {
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
}

export const releaseKeyOf = (data: ReleaseToAvailableInput) => `release:${data.orderId}`

/** A replay of a release: the same order, store and currency, and the amount if one was given. */
export const sameRelease =
  (data: ReleaseToAvailableInput): SameJournal =>
  (existing) =>
    existing.kind === 'release' &&
    existing.currency === data.currency &&
    existing.refs?.orderId === data.orderId &&
    existing.refs?.storeId === data.storeId &&
    (data.amount === undefined ||
      legOf(existing, sellerAccount(data.storeId, 'pending')) === data.amount)

/**
 * Moves the seller's share of an order still pending (its share less refunds taken from
 * pending) to available.
 * @throws InvalidStateError `sale_not_recorded`, `store_mismatch`, `currency_mismatch`,
 *   `release_amount_mismatch`, `nothing_to_release`.
 */
export function releaseJournal(data: ReleaseToAvailableInput, history: OrderHistory): JournalDraft {
  const pendingAccount = sellerAccount(data.storeId, 'pending')
  const sale = requireSale(history, data.storeId, data.currency)
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
    idempotencyKey: releaseKeyOf(data),
    slotKey: orderSlot(data.orderId, history),
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
}

export const refundKeyOf = (data: RecordRefundInput) => `refund:${data.refundId}`

/** A replay of a refund is judged on what was asked, not on entries recomputed from today. */
export const sameRefund =
  (data: RecordRefundInput): SameJournal =>
  (existing) =>
    existing.kind === 'refund' &&
    existing.currency === data.currency &&
    existing.refs?.orderId === data.orderId &&
    existing.refs?.storeId === data.storeId &&
    -legOf(existing, refunds) === data.amount

/**
 * A refund of `amount` to the buyer, paid from platform cash. The commission is reversed in
 * proportion (`splitRefund`); the rest comes out of the seller's pending share, or available
 * once released (which may go negative; the next payout nets it).
 * @throws InvalidStateError `sale_not_recorded`, `store_mismatch`, `currency_mismatch`,
 *   `order_state_mismatch`, `refund_exceeds_sale`.
 */
export function refundJournal(data: RecordRefundInput, history: OrderHistory): JournalDraft {
  const sale = requireSale(history, data.storeId, data.currency)
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
    idempotencyKey: refundKeyOf(data),
    slotKey: orderSlot(data.orderId, history),
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
}

/**
 * A transfer sent to a seller: their available balance moves to payouts in transit. Key
 * `payout:<payoutId>:sent`.
 */
export function payoutSentJournal(data: RecordPayoutSentInput): JournalDraft {
  return {
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
}

/** @throws InvalidStateError `insufficient_available` when the payout exceeds `available`. */
export function assertAvailableCovers(amount: number, available: number): void {
  if (amount > available) {
    throw new InvalidStateError(
      'The payout exceeds the store’s available balance',
      'insufficient_available',
      { available },
    )
  }
}

export type PayoutOutcomeKind = 'payout_settled' | 'payout_failed'

export const payoutOutcomeKeyOf = (payoutId: string, kind: PayoutOutcomeKind) =>
  `payout:${payoutId}:${kind === 'payout_settled' ? 'settled' : 'failed'}`

/**
 * A transfer's outcome, from its `sent` journal: settled (in transit becomes paid to the seller
 * and the money leaves platform cash) or failed (the money returns to available). Settled and
 * failed claim the same slot, so a transfer resolves at most once.
 * @throws InvalidStateError `payout_not_sent` without a `sent` journal.
 */
export function payoutOutcomeJournal(
  data: PayoutOutcomeInput,
  kind: PayoutOutcomeKind,
  sent: PostedJournal | null | undefined,
): JournalDraft {
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
    idempotencyKey: payoutOutcomeKeyOf(data.payoutId, kind),
    slotKey: `payout:${data.payoutId}:outcome`,
    kind,
    currency: sent.currency,
    entries,
    refs: { payoutId: data.payoutId, storeId },
    ...(data.memo ? { memo: data.memo } : {}),
  }
}

/** The refusal when the other outcome of the transfer was booked first. */
export const payoutAlreadyResolved = (kind: PayoutOutcomeKind) =>
  new InvalidStateError(
    `This payout was already ${kind === 'payout_settled' ? 'failed' : 'settled'}`,
    'payout_already_resolved',
  )

export const payoutReversalKeyOf = (payoutId: string) => `payout:${payoutId}:reversed`

/**
 * A transfer Paystack reversed after it settled, from its `settled` journal: the seller's paid
 * share goes back to available, and the money from paid out back to platform cash.
 * @throws InvalidStateError `payout_not_settled` without a `settled` journal.
 */
export function payoutReversalJournal(
  data: PayoutOutcomeInput,
  settled: PostedJournal | null | undefined,
): JournalDraft {
  if (!settled) {
    throw new InvalidStateError(
      'This payout has not settled, so there is no settlement to reverse',
      'payout_not_settled',
    )
  }
  const storeId = settled.refs?.storeId ?? ''
  const amount = legOf(settled, paidOut)
  const key = payoutReversalKeyOf(data.payoutId)
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
}

/**
 * A paid seller subscription invoice: the amount into platform cash and to subscription revenue
 * (`platform:subscriptions`); no seller account moves. Key `subscription:<invoiceCode>`. The
 * store is named in the memo, not the refs: a seller's statement lists what moved their money.
 */
export function subscriptionFeeJournal(data: RecordSubscriptionFeeInput): JournalDraft {
  const key = `subscription:${data.invoiceCode}`
  return {
    idempotencyKey: key,
    slotKey: key,
    kind: 'subscription_fee',
    currency: data.currency,
    entries: [
      { account: cash, amount: data.amount },
      { account: PLATFORM_ACCOUNTS.subscriptions, amount: -data.amount },
    ],
    refs: {},
    memo: `plan ${data.planCode} of store ${data.storeId}, invoice ${data.invoiceCode}`,
  }
}

/** A fee Paystack kept from the balance: the platform's expense, out of platform cash. */
const paystackFeeEntries = (amount: number): LedgerEntry[] => [
  { account: PLATFORM_ACCOUNTS.processingFees, amount },
  { account: cash, amount: -amount },
]

/**
 * Paystack's fee on a verified payment: a platform expense (`platform:processing_fees`) paid out
 * of platform cash, since Paystack keeps it from the balance. No seller account moves: the
 * platform bears the fee. Key `fee:<reference>`, so a payment's fee is booked once.
 */
export function processingFeeJournal(data: RecordProcessingFeeInput): JournalDraft {
  const key = `fee:${data.reference}`
  return {
    idempotencyKey: key,
    slotKey: key,
    kind: 'processing_fee',
    currency: data.currency,
    entries: paystackFeeEntries(data.amount),
    refs: { orderGroupId: data.orderGroupId },
    memo: `Paystack fee on ${data.reference}`,
  }
}

/**
 * Paystack's fee on a paid transfer to a seller: the same platform expense as a processing fee
 * (`platform:processing_fees`, out of platform cash, since Paystack takes it from the balance
 * besides the amount). The seller was paid the full amount, so no seller account moves and the
 * refs name the payout only. Key `transfer-fee:<reference>`, so a transfer's fee is booked once.
 */
export function transferFeeJournal(data: RecordTransferFeeInput): JournalDraft {
  const key = `transfer-fee:${data.reference}`
  return {
    idempotencyKey: key,
    slotKey: key,
    kind: 'transfer_fee',
    currency: data.currency,
    entries: paystackFeeEntries(data.amount),
    refs: { payoutId: data.reference },
    memo: `Paystack fee on transfer ${data.reference} to store ${data.storeId}`,
  }
}
