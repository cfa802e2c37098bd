import { CURRENCIES } from '../shared/money.js'
import { PLATFORM_ACCOUNTS, parseAccount } from './ledger.accounts.js'
import type { JournalCheck, JournalRefs, LedgerEntry } from './ledger.types.js'

/*
 * The ledger's arithmetic, as pure functions: the service calls them, the tests check them
 * directly, and docs/payments.md states the same rules in words.
 */

/** Sum of amounts; exact beyond 2^53 (BigInt), so a check cannot be fooled by rounding. */
export function sumEntries(entries: readonly LedgerEntry[]): bigint {
  return entries.reduce((sum, entry) => sum + BigInt(entry.amount), 0n)
}

/**
 * `round(value * numerator / denominator)`, halves rounded up, in integer arithmetic (BigInt, so
 * kobo amounts of any size multiply without losing precision).
 */
export function mulDivRoundHalfUp(value: number, numerator: number, denominator: number): number {
  if (denominator <= 0) throw new RangeError('denominator must be positive')
  const product = BigInt(value) * BigInt(numerator) * 2n + BigInt(denominator)
  return Number(product / (BigInt(denominator) * 2n))
}

/**
 * How much of a refund reverses commission and how much comes out of the seller's share.
 *
 * The commission reversed *so far* (this refund included) is the order's commission in
 * proportion to the amount refunded so far, rounded half up; this refund reverses that minus
 * what earlier refunds reversed. So a full refund (in one or several parts) reverses exactly the
 * commission that was posted, refunds never reverse more than it, and the split of a refund
 * does not depend on how earlier refunds were cut.
 */
export function splitRefund(input: {
  gross: number
  commission: number
  refundedBefore: number
  commissionReversedBefore: number
  amount: number
}): { commission: number; seller: number } {
  const { gross, commission, refundedBefore, commissionReversedBefore, amount } = input
  const refundedAfter = refundedBefore + amount
  if (amount <= 0 || refundedAfter > gross) throw new RangeError('refund outside the sale')
  const reversedAfter = mulDivRoundHalfUp(commission, refundedAfter, gross)
  // Clamped so that history written by some other rule can never push a share below zero.
  const reversed = Math.min(
    Math.max(reversedAfter - commissionReversedBefore, 0),
    commission - commissionReversedBefore,
    amount,
  )
  return { commission: reversed, seller: amount - reversed }
}

/**
 * What is wrong with a journal's shape, balance aside: at least one entry, every amount a
 * non-zero safe integer, every account ours, a known currency, and every seller account
 * belonging to `refs.storeId` (a journal touches at most one store, and says which).
 */
export function journalShapeProblems(journal: {
  currency: string
  entries: readonly LedgerEntry[]
  refs?: JournalRefs
}): string[] {
  const problems: string[] = []
  const { entries, refs } = journal
  if (!(CURRENCIES as readonly string[]).includes(journal.currency)) {
    problems.push(`unknown currency ${journal.currency}`)
  }
  if (entries.length === 0) problems.push('no entries')
  for (const [index, entry] of entries.entries()) {
    if (!Number.isSafeInteger(entry.amount) || entry.amount === 0) {
      problems.push(`entry ${index}: amount ${entry.amount} is not a non-zero integer`)
    }
    const parsed = parseAccount(entry.account)
    if (!parsed) {
      problems.push(`entry ${index}: unknown account ${entry.account}`)
    } else if (parsed.owner === 'seller' && parsed.storeId !== refs?.storeId) {
      problems.push(`entry ${index}: ${entry.account} does not belong to refs.storeId`)
    } else if (entry.account === PLATFORM_ACCOUNTS.payoutsInTransit && !refs?.storeId) {
      problems.push(`entry ${index}: ${entry.account} needs refs.storeId`)
    }
  }
  return problems
}

/** Checks a journal: its shape (journalShapeProblems), then that its entries sum to zero. */
export function checkJournal(journal: {
  currency: string
  entries: readonly LedgerEntry[]
  refs?: JournalRefs
}): JournalCheck {
  const problems = journalShapeProblems(journal)
  if (problems.length === 0) {
    const sum = sumEntries(journal.entries)
    if (sum !== 0n) problems.push(`entries sum to ${sum}, not 0`)
  }
  return { ok: problems.length === 0, problems }
}

/** Entries in a canonical order, so that two journals can be compared line for line. */
export function canonicalEntries(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return entries
    .map((entry) => ({ account: entry.account, amount: entry.amount }))
    .sort((a, b) =>
      a.account === b.account ? a.amount - b.amount : a.account < b.account ? -1 : 1,
    )
}

/** Leaves out zero amounts: a 0% commission books no commission line. */
export const nonZero = (entries: LedgerEntry[]): LedgerEntry[] =>
  entries.filter((entry) => entry.amount !== 0)
