import type { Currency } from '../../shared/money.js'

// What the Paystack client takes and returns: camelCase, amounts in minor units (kobo for NGN),
// only the fields the marketplace uses. Paystack's own snake_case shapes stay in the schemas.

export type PaystackTransactionStatus =
  | 'abandoned'
  | 'failed'
  | 'ongoing'
  | 'pending'
  | 'processing'
  | 'queued'
  | 'reversed'
  | 'success'

export type PaystackRefundStatus =
  | 'pending'
  | 'processing'
  | 'processed'
  | 'failed'
  | 'needs-attention'

export type PaystackTransferStatus =
  | 'otp'
  | 'pending'
  | 'success'
  | 'failed'
  | 'reversed'
  | 'abandoned'
  | 'blocked'
  | 'rejected'
  | 'received'

export interface InitializeTransactionInput {
  email: string
  /** Minor units. */
  amount: number
  currency: Currency
  /** Ours, unique per charge: alphanumerics plus `-`, `.`, `=`. */
  reference: string
  callbackUrl?: string
  metadata?: Record<string, unknown>
  /** A Paystack plan code: the charge is the plan's amount and subscribes the customer. */
  plan?: string
}

export interface PaystackCheckout {
  authorizationUrl: string
  accessCode: string
  reference: string
}

export interface PaystackTransaction {
  id: number
  reference: string
  status: PaystackTransactionStatus
  amount: number
  /** What initialize asked for; `amount` can differ (fees passed on, partial debits). */
  requestedAmount: number | null
  currency: Currency
  paidAt: string | null
  createdAt: string | null
  channel: string | null
  gatewayResponse: string | null
  fees: number | null
  customer: { id: number; email: string; customerCode: string }
  /** The saved card, when the charge produced one. */
  authorization: {
    authorizationCode: string
    last4: string
    brand: string
    channel: string
    reusable: boolean
  } | null
  metadata: unknown
}

export interface CreateRefundInput {
  /** The transaction reference (or Paystack's numeric id as a string). */
  transaction: string
  /** Minor units; Paystack refunds what is left when absent. */
  amount?: number
  merchantNote?: string
  customerNote?: string
}

export interface PaystackRefund {
  id: number
  transactionId: number
  /** Absent in the older shape of `GET /refund/:id`. */
  transactionReference: string | null
  amount: number
  currency: Currency
  status: PaystackRefundStatus
  refundedAt: string | null
  merchantNote: string | null
  customerNote: string | null
  createdAt: string | null
}

export interface PaystackBank {
  id: number
  name: string
  slug: string
  /** The `bank_code` recipients and account resolution take. */
  code: string
  currency: string
  type: string
  active: boolean
}

export interface ResolvedAccount {
  accountNumber: string
  accountName: string
  bankId: number
}

export interface CreateRecipientInput {
  name: string
  accountNumber: string
  bankCode: string
  currency: Currency
}

export interface PaystackRecipient {
  id: number
  recipientCode: string
  name: string
  currency: Currency
  active: boolean
  accountNumber: string | null
  accountName: string | null
  bankCode: string | null
  bankName: string | null
}

export interface InitiateTransferInput {
  /** Minor units. */
  amount: number
  /** A recipient code, `RCP_...`. */
  recipient: string
  /** 16 to 50 characters of `[a-z0-9_-]`; reuse it to retry, never a new one (no double pay). */
  reference: string
  reason: string
  currency: Currency
}

export interface PaystackTransfer {
  id: number
  transferCode: string
  reference: string
  amount: number
  currency: Currency
  status: PaystackTransferStatus
  reason: string | null
  createdAt: string | null
  /**
   * Paystack's fee on the transfer, in minor units, taken from the balance besides the amount;
   * 0 when the answer does not say (initiate and finalize answers, older events).
   */
  feeCharged: number
}

export interface PaystackTransferDetail extends PaystackTransfer {
  recipient: PaystackRecipient
  transferredAt: string | null
}

export interface PaystackBulkTransferItem {
  reference: string
  recipient: string
  amount: number
  transferCode: string
  currency: Currency
  status: PaystackTransferStatus
}

export interface PaystackBalance {
  currency: Currency
  balance: number
}

/** A Paystack plan (`PLN_...`) as we read it back. */
export interface PaystackPlanRecord {
  planCode: string
  name: string
  amount: number
  interval: string
  currency: Currency
}

/** A Paystack subscription as `GET /subscription/:code` tells it: the state we trust. */
export interface PaystackSubscription {
  subscriptionCode: string
  /** Needed with the code to disable it. */
  emailToken: string
  status: 'active' | 'non-renewing' | 'attention' | 'complete' | 'cancelled'
  amount: number
  nextPaymentDate: string | null
  planCode: string
  customerEmail: string
  /** The saved card that renewals charge, when Paystack shows it. */
  authorizationCode: string | null
}
