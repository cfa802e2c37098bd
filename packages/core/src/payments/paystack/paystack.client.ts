import type { Currency } from '../../shared/money.js'
import * as disputes from './paystack.dispute-calls.js'
import type {
  DisputeEvidenceInput,
  PaystackDispute,
  ResolvePaystackDisputeInput,
} from './paystack.disputes.js'
import * as refunds from './paystack.refunds.js'
import { type PaystackClientOptions, PaystackRequest } from './paystack.request.js'
import * as subscriptions from './paystack.subscriptions.js'
import * as transactions from './paystack.transactions.js'
import * as transferCalls from './paystack.transfers.js'
import type {
  CreateRecipientInput,
  CreateRefundInput,
  InitializeTransactionInput,
  InitiateTransferInput,
  PaystackBalance,
  PaystackBank,
  PaystackBulkTransferItem,
  PaystackCheckout,
  PaystackPlanRecord,
  PaystackRecipient,
  PaystackRefund,
  PaystackSubscription,
  PaystackTransaction,
  PaystackTransfer,
  PaystackTransferDetail,
  ResolvedAccount,
} from './paystack.types.js'

export {
  DEFAULT_PAYSTACK_TIMEOUT_MS,
  type PaystackClientOptions,
  TRANSACTION_REFERENCE,
  TRANSFER_REFERENCE,
} from './paystack.request.js'

/**
 * Our Paystack client: a small typed layer over `fetch` (the official SDK cannot be pointed at
 * the sandbox). Every answer is checked with zod; every failure becomes one of our errors (see
 * `paystackFailure`); the secret key never leaves the Authorization header: it is not logged,
 * not put in errors, and redacted from anything Paystack sends back.
 *
 * The facade over one module per Paystack resource (transactions, refunds, transfers, plans and
 * subscriptions, disputes), which all call through one request core (`paystack.request.ts`).
 */
export class PaystackClient {
  // A private field: invisible to JSON.stringify and util.inspect, so logging the client is safe.
  readonly #request: PaystackRequest

  constructor(options: PaystackClientOptions) {
    this.#request = new PaystackRequest(options)
  }

  get baseUrl(): string {
    return this.#request.baseUrl
  }

  get timeoutMs(): number {
    return this.#request.timeoutMs
  }

  /**
   * Starts a checkout for the buyer; send them to `authorizationUrl`.
   * @throws ConflictError `duplicate_reference` when the reference was used before: verify it.
   */
  initializeTransaction(input: InitializeTransactionInput): Promise<PaystackCheckout> {
    return transactions.initializeTransaction(this.#request, input)
  }

  /**
   * The transaction as Paystack knows it: the only proof of payment to act on.
   * @throws PaystackRejectedError for an unknown reference.
   */
  verifyTransaction(reference: string): Promise<PaystackTransaction> {
    return transactions.verifyTransaction(this.#request, reference)
  }

  /** Refunds all or part of a paid transaction; the refund starts `pending`. */
  createRefund(input: CreateRefundInput): Promise<PaystackRefund> {
    return refunds.createRefund(this.#request, input)
  }

  /** One refund by Paystack's id. */
  fetchRefund(id: number): Promise<PaystackRefund> {
    return refunds.fetchRefund(this.#request, id)
  }

  /** One page of refunds created in `[from, to]` (ISO times), newest first; `perPage` at most 100. */
  listRefunds(input: {
    from: string
    to: string
    page: number
    perPage: number
  }): Promise<PaystackRefund[]> {
    return refunds.listRefunds(this.#request, input)
  }

  /** Banks sellers can be paid at, with the `code` recipients need; follows the list's cursor. */
  listBanks(filter?: { country: 'nigeria'; currency: 'NGN' }): Promise<PaystackBank[]> {
    return transferCalls.listBanks(this.#request, filter)
  }

  /** The account holder's name at a bank: show it to the seller before saving payout details. */
  resolveAccount(input: { accountNumber: string; bankCode: string }): Promise<ResolvedAccount> {
    return transferCalls.resolveAccount(this.#request, input)
  }

  /** A payout destination; Paystack returns the existing recipient for a known account. */
  createTransferRecipient(input: CreateRecipientInput): Promise<PaystackRecipient> {
    return transferCalls.createTransferRecipient(this.#request, input)
  }

  /**
   * Pays a recipient from the Paystack balance. To retry, verify the same reference first and
   * never invent a new one: that is what keeps a seller from being paid twice.
   * @throws ConflictError `duplicate_reference` when the reference was used before.
   */
  initiateTransfer(input: InitiateTransferInput): Promise<PaystackTransfer> {
    return transferCalls.initiateTransfer(this.#request, input)
  }

  /**
   * Several transfers in one call (refused by Paystack while transfer OTP is on); all in one
   * currency, at most 100.
   * @throws ConflictError `duplicate_reference` when any reference was used before.
   */
  initiateBulkTransfer(transfers: InitiateTransferInput[]): Promise<PaystackBulkTransferItem[]> {
    return transferCalls.initiateBulkTransfer(this.#request, transfers)
  }

  /** Completes a transfer that waits for an OTP (`status: 'otp'`). */
  finalizeTransfer(input: { transferCode: string; otp: string }): Promise<PaystackTransfer> {
    return transferCalls.finalizeTransfer(this.#request, input)
  }

  /** A transfer by our reference, with its recipient: the way to learn a transfer's outcome. */
  verifyTransfer(reference: string): Promise<PaystackTransferDetail> {
    return transferCalls.verifyTransfer(this.#request, reference)
  }

  /**
   * One page of transactions created in `[from, to]` (ISO times), newest first; reconciliation
   * reads every page. `perPage` at most 100.
   */
  listTransactions(input: {
    from: string
    to: string
    status?: 'success' | 'failed' | 'abandoned'
    page: number
    perPage: number
  }): Promise<PaystackTransaction[]> {
    return transactions.listTransactions(this.#request, input)
  }

  /** One page of transfers created in `[from, to]` (ISO times), newest first. */
  listTransfers(input: {
    from: string
    to: string
    page: number
    perPage: number
  }): Promise<PaystackTransfer[]> {
    return transferCalls.listTransfers(this.#request, input)
  }

  /** What the Paystack balance holds, per currency, in minor units. */
  fetchBalance(): Promise<PaystackBalance[]> {
    return transferCalls.fetchBalance(this.#request)
  }

  /** Creates the Paystack plan that bills a seller tier; returns its `PLN_...` code. */
  createPlan(input: {
    name: string
    amount: number
    interval: string
    currency: Currency
    description?: string
  }): Promise<PaystackPlanRecord> {
    return subscriptions.createPlan(this.#request, input)
  }

  /**
   * A subscription as Paystack knows it: the only state of a subscription to act on.
   * @throws PaystackRejectedError for an unknown code.
   */
  fetchSubscription(code: string): Promise<PaystackSubscription> {
    return subscriptions.fetchSubscription(this.#request, code)
  }

  /**
   * Subscribes a customer who has paid before (a saved card) to a plan. Without `startDate`
   * Paystack charges the card at once.
   */
  createSubscription(input: {
    customer: string
    plan: string
    authorization?: string
    startDate?: string
  }): Promise<PaystackSubscription> {
    return subscriptions.createSubscription(this.#request, input)
  }

  /** Stops a subscription's renewals (the code and its email token, as Paystack requires). */
  disableSubscription(input: { code: string; token: string }): Promise<void> {
    return subscriptions.disableSubscription(this.#request, input)
  }

  /** One dispute (chargeback) by Paystack's id. */
  fetchDispute(id: number): Promise<PaystackDispute> {
    return disputes.fetchDispute(this.#request, id)
  }

  /** Sends the merchant's evidence on a dispute; returns the evidence id. */
  submitDisputeEvidence(id: number, input: DisputeEvidenceInput): Promise<{ id: number }> {
    return disputes.submitDisputeEvidence(this.#request, id, input)
  }

  /** Accepts (refunding `refundAmount`) or declines a dispute. */
  resolveDispute(id: number, input: ResolvePaystackDisputeInput): Promise<PaystackDispute> {
    return disputes.resolveDispute(this.#request, id, input)
  }
}
