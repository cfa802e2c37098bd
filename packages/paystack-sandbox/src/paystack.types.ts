/** Currencies the sandbox accepts; the same set Paystack settles in for initialize/charge. */
export const CURRENCIES = ['NGN', 'GHS', 'ZAR', 'KES', 'USD'] as const
export type Currency = (typeof CURRENCIES)[number]

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue }

export type TransactionStatus = 'pending' | 'success' | 'failed' | 'abandoned' | 'reversed'
export type RefundStatus = 'pending' | 'processing' | 'processed' | 'failed' | 'needs-attention'
export type TransferStatus = 'otp' | 'pending' | 'success' | 'failed' | 'reversed'
export type SubscriptionStatus = 'active' | 'non-renewing' | 'attention' | 'complete' | 'cancelled'
export type PlanInterval =
  | 'hourly'
  | 'daily'
  | 'weekly'
  | 'monthly'
  | 'quarterly'
  | 'biannually'
  | 'annually'
/** What a card (or a saved authorization) does when charged. */
export type ChargeOutcome = 'success' | 'decline' | 'insufficient_funds'

export interface CustomerRecord {
  id: number
  customerCode: string
  email: string
  firstName: string | null
  lastName: string | null
  phone: string | null
  createdAt: string
}

export interface TransactionRecord {
  id: number
  reference: string
  accessCode: string
  amount: number
  currency: Currency
  customerId: number
  status: TransactionStatus
  gatewayResponse: string
  callbackUrl: string | null
  metadata: JsonValue
  planCode: string | null
  authorizationCode: string | null
  /** The card used for the last attempt; decides later refund outcomes. */
  cardNumber: string | null
  fees: number
  refundedAmount: number
  source: 'checkout' | 'charge_authorization' | 'subscription'
  paidAt: string | null
  createdAt: string
  updatedAt: string
}

export interface AuthorizationRecord {
  code: string
  customerId: number
  cardNumber: string
  bin: string
  last4: string
  expMonth: string
  expYear: string
  cardType: string
  bank: string
  brand: string
  reusable: boolean
  signature: string
  /** Set through the control API so tests can make a saved card fail on its next charges. */
  nextOutcome: ChargeOutcome
  createdAt: string
}

export interface RefundRecord {
  id: number
  transactionId: number
  transactionReference: string
  amount: number
  currency: Currency
  status: RefundStatus
  customerNote: string | null
  merchantNote: string | null
  refundReference: string | null
  refundedAt: string | null
  expectedAt: string
  createdAt: string
  updatedAt: string
}

export interface RecipientRecord {
  id: number
  recipientCode: string
  type: 'nuban'
  name: string
  accountNumber: string
  accountName: string
  bankCode: string
  bankName: string
  currency: Currency
  description: string | null
  email: string | null
  metadata: JsonValue
  active: boolean
  createdAt: string
  updatedAt: string
}

export interface TransferRecord {
  id: number
  transferCode: string
  reference: string
  amount: number
  currency: Currency
  recipientId: number
  reason: string | null
  /** Paystack's fee (`fee_charged`), taken with the amount; absent in older state files. */
  fee?: number
  status: TransferStatus
  failures: string | null
  gatewayResponse: string | null
  titanCode: string | null
  transferredAt: string | null
  createdAt: string
  updatedAt: string
}

export interface PlanRecord {
  id: number
  planCode: string
  name: string
  description: string | null
  amount: number
  interval: PlanInterval
  currency: Currency
  invoiceLimit: number
  sendInvoices: boolean
  sendSms: boolean
  createdAt: string
  updatedAt: string
}

export interface SubscriptionRecord {
  id: number
  subscriptionCode: string
  emailToken: string
  customerId: number
  planId: number
  authorizationCode: string
  status: SubscriptionStatus
  amount: number
  invoiceLimit: number
  paymentsCount: number
  nextPaymentDate: string | null
  createdAt: string
  updatedAt: string
}

export interface InvoiceRecord {
  id: number
  invoiceCode: string
  subscriptionId: number
  transactionId: number | null
  amount: number
  status: 'pending' | 'success' | 'failed'
  periodStart: string
  periodEnd: string
  paidAt: string | null
  createdAt: string
  updatedAt: string
}

export interface DeliveryAttempt {
  attempt: number
  url: string
  statusCode: number | null
  error: string | null
  at: string
  durationMs: number
}

/** One webhook event and every try at handing it over. `body` is the exact bytes signed. */
export interface DeliveryRecord {
  id: string
  event: string
  url: string | null
  body: string
  signature: string
  /** `skipped` when no webhook URL was set; replay it once one is. */
  status: 'pending' | 'delivered' | 'failed' | 'skipped'
  attempts: DeliveryAttempt[]
  replayOf: string | null
  createdAt: string
}

/** Everything the sandbox knows; this object is what the persist file holds. */
export interface SandboxState {
  version: 1
  nextId: number
  otpEnabled: boolean
  webhookUrl: string | null
  balances: Record<Currency, number>
  customers: CustomerRecord[]
  transactions: TransactionRecord[]
  authorizations: AuthorizationRecord[]
  refunds: RefundRecord[]
  /** Chargebacks (disputes.service.ts); absent in state files written before them. */
  disputes: DisputeRecord[]
  recipients: RecipientRecord[]
  transfers: TransferRecord[]
  plans: PlanRecord[]
  subscriptions: SubscriptionRecord[]
  invoices: InvoiceRecord[]
  deliveries: DeliveryRecord[]
}

/** Paystack's dispute statuses (a chargeback's life at the bank). */
export type DisputeStatus = 'awaiting-merchant-feedback' | 'awaiting-bank-feedback' | 'resolved'

/** A chargeback on a paid transaction, raised by the control API (disputes.service.ts). */
export interface DisputeRecord {
  id: number
  transactionId: number
  transactionReference: string
  /** What the customer claims back, in minor units. */
  refundAmount: number
  currency: Currency
  status: DisputeStatus
  resolution: 'merchant-accepted' | 'declined' | null
  category: 'chargeback' | 'fraud'
  /** The merchant's deadline to respond. */
  dueAt: string
  resolvedAt: string | null
  evidence: {
    id: number
    customer_email: string
    customer_name: string
    customer_phone: string
    service_details: string
    delivery_address: string | null
    delivery_date: string | null
  } | null
  message: string | null
  history: { status: DisputeStatus; by: string; createdAt: string }[]
  createdAt: string
  updatedAt: string
}
