import type { Currency } from '../shared/money.js'
import type { BalanceSnapshot, PayoutStatus } from './payout.model.js'

/** What a seller (and an administrator) sees of a payout account: never the full number. */
export interface PayoutAccountDTO {
  storeId: string
  currency: Currency
  bankCode: string
  bankName: string
  accountName: string
  accountNumberLast4: string
  /** Present while a recent change holds payouts. */
  payoutsHeldUntil?: string
  updatedAt: string
}

export interface BankDTO {
  code: string
  name: string
  slug: string
}

/** A payout in lists. */
export interface PayoutDTO {
  id: string
  storeId: string
  period: string
  currency: Currency
  amount: number
  status: PayoutStatus
  attempt: number
  reference: string
  bankName: string
  accountNumberLast4: string
  failureReason?: string
  attention?: string
  createdAt: string
  sentAt?: string
  paidAt?: string
  failedAt?: string
}

/** One payout with what it covers and its history (`payouts show`, `GET .../payouts/:id`). */
export interface PayoutDetailDTO extends PayoutDTO {
  accountName: string
  transferCode?: string
  paystackStatus?: string
  lastError?: string
  balanceBefore: BalanceSnapshot
  covers: {
    orderIds: string[]
    truncated: boolean
    throughJournalId?: string
    afterJournalId?: string
  }
  attempts: {
    attempt: number
    reference: string
    status: PayoutStatus
    transferCode?: string
    failureReason?: string
    endedAt: string
  }[]
}

/** The signed-in seller's money at a glance (`GET /api/v1/seller/balance`). */
export interface SellerBalanceDTO {
  storeId: string
  currency: Currency
  pending: number
  available: number
  inTransit: number
  paid: number
  /** Balances below this wait for a later week. */
  minimumPayout: number
  /**
   * When the next payout can be sent: the next weekly run (Monday 09:00 Africa/Lagos), or the
   * first one after a hold ends.
   */
  nextPayoutAt: string
  payoutsHeldUntil?: string
  payoutAccount: { bankName: string; accountNumberLast4: string } | null
}

/** What a payout run did (or, with `dryRun`, would do) for one store. */
export interface PayoutRunItem {
  storeId: string
  storeName?: string
  amount: number
  outcome:
    | 'would_pay'
    | 'would_resume'
    | 'sent'
    | 'paid'
    | 'otp_required'
    | 'failed'
    | 'unconfirmed'
    | 'cancelled'
    | 'exists'
    | 'skipped'
  /** Why it was skipped, failed or left unconfirmed. */
  reason?: string
  payoutId?: string
  period?: string
  reference?: string
  status?: PayoutStatus
}

export interface PayoutRunResult {
  period: string
  dryRun: boolean
  currency: Currency
  minimumPayout: number
  items: PayoutRunItem[]
  /** Payouts sent (or that would be sent) by this run, and their sum. */
  totals: { count: number; amount: number }
  /** Things an operator must act on (Paystack's OTP requirement, refusals). */
  warnings: string[]
}
