import { z } from 'zod'
import { UnavailableError, UpstreamError, ValidationError } from '../../shared/errors.js'
import type { Logger } from '../../shared/logger.js'
import type { Currency } from '../../shared/money.js'
import {
  type DisputeEvidenceInput,
  disputeEvidenceSchema,
  type PaystackDispute,
  paystackDisputeSchema,
  type ResolvePaystackDisputeInput,
} from './paystack.disputes.js'
import { paystackFailure } from './paystack.errors.js'
import {
  balanceDataSchema,
  bankSchema,
  bulkTransferItemSchema,
  paystackEnvelope,
  paystackListEnvelope,
  planDataSchema,
  recipientDataSchema,
  refundCreatedDataSchema,
  refundDataSchema,
  resolveAccountDataSchema,
  type SubscriptionData,
  subscriptionDataSchema,
  type TransactionData,
  transactionDataSchema,
  transactionInitializeDataSchema,
  transferDataSchema,
  transferDetailDataSchema,
} from './paystack.schemas.js'
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

export interface PaystackClientOptions {
  secretKey: string
  /** `https://api.paystack.co`, or the sandbox's URL. */
  baseUrl: string
  /** Per call, connection to last byte (default 10 s). */
  timeoutMs?: number
  logger?: Logger
}

export const DEFAULT_PAYSTACK_TIMEOUT_MS = 10_000
/** The bank list is the largest answer we expect (a few hundred KB); anything far bigger is wrong. */
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024
/** Paystack's rule for transfer references. */
export const TRANSFER_REFERENCE = /^[a-z0-9_-]{16,50}$/
/** Paystack's rule for transaction references (alphanumerics plus `-`, `.`, `=`). */
export const TRANSACTION_REFERENCE = /^[A-Za-z0-9.=-]{1,100}$/
/** Paystack takes at most 100 transfers per bulk call. */
const MAX_BULK_TRANSFERS = 100
const RECIPIENT_TYPES: Partial<Record<Currency, string>> = {
  NGN: 'nuban',
  GHS: 'ghipss',
  ZAR: 'basa',
}

type Query = Record<string, string>
type Body = Record<string, unknown>

function assertAmount(amount: number, field = 'amount'): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new ValidationError('Invalid Paystack call', {
      [field]: 'must be a positive whole number of minor units',
    })
  }
}

function assertTransferReference(reference: string, field = 'reference'): void {
  if (!TRANSFER_REFERENCE.test(reference)) {
    throw new ValidationError(
      'Invalid Paystack call',
      { [field]: 'must be 16 to 50 characters of a-z, 0-9, - and _' },
      'invalid_transfer_reference',
    )
  }
}

function assertTransactionReference(reference: string): void {
  if (!TRANSACTION_REFERENCE.test(reference)) {
    throw new ValidationError('Invalid Paystack call', {
      reference: 'must be 1 to 100 characters of letters, digits, -, . and =',
    })
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel()
      throw new UpstreamError('Paystack sent an oversized answer', 'paystack_bad_response')
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const isTimeout = (error: unknown) =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')

/**
 * Our Paystack client: a small typed layer over `fetch` (the official SDK cannot be pointed at
 * the sandbox). Every answer is checked with zod; every failure becomes one of our errors (see
 * `paystackFailure`); the secret key never leaves the Authorization header: it is not logged,
 * not put in errors, and redacted from anything Paystack sends back.
 */
export class PaystackClient {
  readonly baseUrl: string
  readonly timeoutMs: number
  // A private field: invisible to JSON.stringify and util.inspect, so logging the client is safe.
  readonly #secretKey: string
  readonly #logger: Logger | undefined

  constructor(options: PaystackClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PAYSTACK_TIMEOUT_MS
    this.#secretKey = options.secretKey
    this.#logger = options.logger
  }

  /**
   * Starts a checkout for the buyer; send them to `authorizationUrl`.
   * @throws ConflictError `duplicate_reference` when the reference was used before: verify it.
   */
  async initializeTransaction(input: InitializeTransactionInput): Promise<PaystackCheckout> {
    assertAmount(input.amount)
    assertTransactionReference(input.reference)
    const data = await this.call(
      'POST',
      '/transaction/initialize',
      transactionInitializeDataSchema,
      'initialize transaction',
      {
        body: {
          email: input.email,
          amount: input.amount,
          currency: input.currency,
          reference: input.reference,
          ...(input.callbackUrl ? { callback_url: input.callbackUrl } : {}),
          ...(input.metadata ? { metadata: input.metadata } : {}),
          ...(input.plan ? { plan: input.plan } : {}),
        },
      },
    )
    if (data.reference !== input.reference) {
      throw new UpstreamError('Paystack answered for another reference', 'paystack_bad_response')
    }
    return {
      authorizationUrl: data.authorization_url,
      accessCode: data.access_code,
      reference: data.reference,
    }
  }

  /**
   * The transaction as Paystack knows it: the only proof of payment to act on.
   * @throws PaystackRejectedError for an unknown reference.
   */
  async verifyTransaction(reference: string): Promise<PaystackTransaction> {
    assertTransactionReference(reference)
    const data = await this.call(
      'GET',
      `/transaction/verify/${encodeURIComponent(reference)}`,
      transactionDataSchema,
      'verify transaction',
    )
    return toTransaction(data)
  }

  /** Refunds all or part of a paid transaction; the refund starts `pending`. */
  async createRefund(input: CreateRefundInput): Promise<PaystackRefund> {
    if (input.amount !== undefined) assertAmount(input.amount)
    const data = await this.call('POST', '/refund', refundCreatedDataSchema, 'create refund', {
      body: {
        transaction: input.transaction,
        ...(input.amount !== undefined ? { amount: input.amount } : {}),
        ...(input.merchantNote ? { merchant_note: input.merchantNote } : {}),
        ...(input.customerNote ? { customer_note: input.customerNote } : {}),
      },
    })
    return {
      id: data.id,
      transactionId: data.transaction.id,
      transactionReference: data.transaction.reference,
      amount: data.amount,
      currency: data.currency,
      status: data.status,
      refundedAt: null,
      merchantNote: data.merchant_note ?? null,
      customerNote: data.customer_note ?? null,
      createdAt: data.createdAt ?? null,
    }
  }

  /** One refund by Paystack's id. */
  async fetchRefund(id: number): Promise<PaystackRefund> {
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new ValidationError('Invalid Paystack call', { id: 'must be a positive integer' })
    }
    const data = await this.call('GET', `/refund/${id}`, refundDataSchema, 'fetch refund')
    return {
      id: data.id,
      transactionId: data.transaction,
      transactionReference: data.transaction_reference ?? null,
      amount: data.amount,
      currency: data.currency,
      status: data.status,
      refundedAt: data.refunded_at ?? null,
      merchantNote: data.merchant_note ?? null,
      customerNote: data.customer_note ?? null,
      createdAt: data.createdAt ?? null,
    }
  }

  /** Banks sellers can be paid at, with the `code` recipients need; follows the list's cursor. */
  async listBanks(
    filter: { country: 'nigeria'; currency: 'NGN' } = { country: 'nigeria', currency: 'NGN' },
  ): Promise<PaystackBank[]> {
    const banks: PaystackBank[] = []
    let next: string | null | undefined
    // A bound on pages: a cursor that never ends must not loop forever.
    for (let page = 0; page < 20; page++) {
      const query: Query = {
        country: filter.country,
        currency: filter.currency,
        perPage: '100',
        use_cursor: 'true',
        ...(next ? { next } : {}),
      }
      const list = await this.callList('GET', '/bank', bankSchema, 'list banks', query)
      banks.push(...list.data)
      next = list.meta?.next
      if (!next) break
    }
    return banks
  }

  /** The account holder's name at a bank: show it to the seller before saving payout details. */
  async resolveAccount(input: {
    accountNumber: string
    bankCode: string
  }): Promise<ResolvedAccount> {
    const data = await this.call(
      'GET',
      '/bank/resolve',
      resolveAccountDataSchema,
      'resolve account',
      {
        query: { account_number: input.accountNumber, bank_code: input.bankCode },
      },
    )
    return {
      accountNumber: data.account_number,
      accountName: data.account_name,
      bankId: data.bank_id,
    }
  }

  /** A payout destination; Paystack returns the existing recipient for a known account. */
  async createTransferRecipient(input: CreateRecipientInput): Promise<PaystackRecipient> {
    const type = RECIPIENT_TYPES[input.currency]
    if (!type) {
      throw new ValidationError('Invalid Paystack call', {
        currency: `payouts in ${input.currency} are not supported`,
      })
    }
    const data = await this.call(
      'POST',
      '/transferrecipient',
      recipientDataSchema,
      'create transfer recipient',
      {
        body: {
          type,
          name: input.name,
          account_number: input.accountNumber,
          bank_code: input.bankCode,
          currency: input.currency,
        },
      },
    )
    return toRecipient(data)
  }

  /**
   * Pays a recipient from the Paystack balance. To retry, verify the same reference first and
   * never invent a new one: that is what keeps a seller from being paid twice.
   * @throws ConflictError `duplicate_reference` when the reference was used before.
   */
  async initiateTransfer(input: InitiateTransferInput): Promise<PaystackTransfer> {
    assertAmount(input.amount)
    assertTransferReference(input.reference)
    const data = await this.call('POST', '/transfer', transferDataSchema, 'initiate transfer', {
      body: {
        source: 'balance',
        amount: input.amount,
        recipient: input.recipient,
        reference: input.reference,
        reason: input.reason,
        currency: input.currency,
      },
    })
    return toTransfer(data)
  }

  /**
   * Several transfers in one call (refused by Paystack while transfer OTP is on); all in one
   * currency, at most 100.
   * @throws ConflictError `duplicate_reference` when any reference was used before.
   */
  async initiateBulkTransfer(
    transfers: InitiateTransferInput[],
  ): Promise<PaystackBulkTransferItem[]> {
    const first = transfers[0]
    if (!first || transfers.length > MAX_BULK_TRANSFERS) {
      throw new ValidationError('Invalid Paystack call', {
        transfers: `must hold 1 to ${MAX_BULK_TRANSFERS} transfers`,
      })
    }
    transfers.forEach((transfer, index) => {
      assertAmount(transfer.amount, `transfers.${index}.amount`)
      assertTransferReference(transfer.reference, `transfers.${index}.reference`)
      if (transfer.currency !== first.currency) {
        throw new ValidationError('Invalid Paystack call', {
          [`transfers.${index}.currency`]: 'every transfer of a bulk call has one currency',
        })
      }
    })
    const list = await this.callList(
      'POST',
      '/transfer/bulk',
      bulkTransferItemSchema,
      'bulk transfer',
      {},
      {
        source: 'balance',
        currency: first.currency,
        transfers: transfers.map((transfer) => ({
          amount: transfer.amount,
          recipient: transfer.recipient,
          reference: transfer.reference,
          reason: transfer.reason,
        })),
      },
    )
    return list.data.map((item) => ({
      reference: item.reference,
      recipient: item.recipient,
      amount: item.amount,
      transferCode: item.transfer_code,
      currency: item.currency,
      status: item.status,
    }))
  }

  /** Completes a transfer that waits for an OTP (`status: 'otp'`). */
  async finalizeTransfer(input: { transferCode: string; otp: string }): Promise<PaystackTransfer> {
    const data = await this.call(
      'POST',
      '/transfer/finalize_transfer',
      transferDataSchema,
      'finalize transfer',
      { body: { transfer_code: input.transferCode, otp: input.otp } },
    )
    return toTransfer(data)
  }

  /** A transfer by our reference, with its recipient: the way to learn a transfer's outcome. */
  async verifyTransfer(reference: string): Promise<PaystackTransferDetail> {
    assertTransferReference(reference)
    const data = await this.call(
      'GET',
      `/transfer/verify/${encodeURIComponent(reference)}`,
      transferDetailDataSchema,
      'verify transfer',
    )
    return {
      ...toTransfer(data),
      recipient: toRecipient(data.recipient),
      transferredAt: data.transferred_at ?? null,
    }
  }

  /**
   * One page of transactions created in `[from, to]` (ISO times), newest first; reconciliation
   * reads every page. `perPage` at most 100.
   */
  async listTransactions(input: {
    from: string
    to: string
    status?: 'success' | 'failed' | 'abandoned'
    page: number
    perPage: number
  }): Promise<PaystackTransaction[]> {
    const query: Query = {
      from: input.from,
      to: input.to,
      page: String(input.page),
      perPage: String(input.perPage),
      ...(input.status ? { status: input.status } : {}),
    }
    const data = await this.call(
      'GET',
      '/transaction',
      z.array(transactionDataSchema),
      'list transactions',
      {
        query,
      },
    )
    return data.map(toTransaction)
  }

  /** One page of transfers created in `[from, to]` (ISO times), newest first. */
  async listTransfers(input: {
    from: string
    to: string
    page: number
    perPage: number
  }): Promise<PaystackTransfer[]> {
    const query: Query = {
      from: input.from,
      to: input.to,
      page: String(input.page),
      perPage: String(input.perPage),
    }
    const data = await this.call(
      'GET',
      '/transfer',
      z.array(transferDetailDataSchema),
      'list transfers',
      { query },
    )
    return data.map(toTransfer)
  }

  /** What the Paystack balance holds, per currency, in minor units. */
  async fetchBalance(): Promise<PaystackBalance[]> {
    return this.call('GET', '/balance', balanceDataSchema, 'fetch balance')
  }

  /** Creates the Paystack plan that bills a seller tier; returns its `PLN_...` code. */
  async createPlan(input: {
    name: string
    amount: number
    interval: string
    currency: Currency
    description?: string
  }): Promise<PaystackPlanRecord> {
    assertAmount(input.amount)
    const data = await this.call('POST', '/plan', planDataSchema, 'create plan', {
      body: {
        name: input.name,
        amount: input.amount,
        interval: input.interval,
        currency: input.currency,
        ...(input.description ? { description: input.description } : {}),
      },
    })
    return {
      planCode: data.plan_code,
      name: data.name,
      amount: data.amount,
      interval: data.interval,
      currency: data.currency,
    }
  }

  /**
   * A subscription as Paystack knows it: the only state of a subscription to act on.
   * @throws PaystackRejectedError for an unknown code.
   */
  async fetchSubscription(code: string): Promise<PaystackSubscription> {
    const data = await this.call(
      'GET',
      `/subscription/${encodeURIComponent(code)}`,
      subscriptionDataSchema,
      'fetch subscription',
    )
    return toSubscription(data)
  }

  /**
   * Subscribes a customer who has paid before (a saved card) to a plan. Without `startDate`
   * Paystack charges the card at once.
   */
  async createSubscription(input: {
    customer: string
    plan: string
    authorization?: string
    startDate?: string
  }): Promise<PaystackSubscription> {
    const data = await this.call(
      'POST',
      '/subscription',
      subscriptionDataSchema,
      'create subscription',
      {
        body: {
          customer: input.customer,
          plan: input.plan,
          ...(input.authorization ? { authorization: input.authorization } : {}),
          ...(input.startDate ? { start_date: input.startDate } : {}),
        },
      },
    )
    return toSubscription(data)
  }

  /** Stops a subscription's renewals (the code and its email token, as Paystack requires). */
  async disableSubscription(input: { code: string; token: string }): Promise<void> {
    await this.send(
      'POST',
      '/subscription/disable',
      paystackEnvelope(z.unknown()),
      'disable subscription',
      { body: { code: input.code, token: input.token } },
    )
  }

  /** One dispute (chargeback) by Paystack's id. */
  async fetchDispute(id: number): Promise<PaystackDispute> {
    assertPositiveId(id)
    return this.call('GET', `/dispute/${id}`, paystackDisputeSchema, 'fetch dispute')
  }

  /** Sends the merchant's evidence on a dispute; returns the evidence id. */
  async submitDisputeEvidence(id: number, input: DisputeEvidenceInput): Promise<{ id: number }> {
    assertPositiveId(id)
    const data = await this.call(
      'POST',
      `/dispute/${id}/evidence`,
      disputeEvidenceSchema,
      'add dispute evidence',
      {
        body: {
          customer_email: input.customerEmail,
          customer_name: input.customerName,
          customer_phone: input.customerPhone,
          service_details: input.serviceDetails,
          ...(input.deliveryAddress ? { delivery_address: input.deliveryAddress } : {}),
          ...(input.deliveryDate ? { delivery_date: input.deliveryDate } : {}),
        },
      },
    )
    return { id: data.id }
  }

  /** Accepts (refunding `refundAmount`) or declines a dispute. */
  async resolveDispute(id: number, input: ResolvePaystackDisputeInput): Promise<PaystackDispute> {
    assertPositiveId(id)
    return this.call('PUT', `/dispute/${id}/resolve`, paystackDisputeSchema, 'resolve dispute', {
      body: {
        resolution: input.resolution,
        message: input.message,
        refund_amount: input.refundAmount,
        uploaded_filename: input.uploadedFilename,
        ...(input.evidenceId !== undefined ? { evidence: input.evidenceId } : {}),
      },
    })
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    schema: S,
    what: string,
    options: { query?: Query; body?: Body } = {},
  ): Promise<z.infer<S>> {
    // zod cannot resolve the envelope's output for a generic S; the parse did check `data`.
    const envelope = (await this.send(method, path, paystackEnvelope(schema), what, options)) as {
      data: z.output<S>
    }
    return envelope.data
  }

  private callList<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    item: S,
    what: string,
    query: Query = {},
    body?: Body,
  ) {
    return this.send(method, path, paystackListEnvelope(item), what, {
      query,
      ...(body ? { body } : {}),
    })
  }

  private async send<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    envelope: S,
    what: string,
    options: { query?: Query; body?: Body },
  ): Promise<z.infer<S>> {
    const url = new URL(`${this.baseUrl}${path}`)
    for (const [name, value] of Object.entries(options.query ?? {}))
      url.searchParams.set(name, value)
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    // Only these fields are ever logged: no headers, no bodies, no query (account numbers).
    const logged = { method, path }
    let status: number
    let text: string
    try {
      const response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.#secretKey}`,
          accept: 'application/json',
          ...(options.body ? { 'content-type': 'application/json' } : {}),
        },
        ...(options.body ? { body: JSON.stringify(options.body) } : {}),
        // A redirect from a payment API is a misconfiguration or an attack: never follow it
        // (fetch would resend the Authorization header to wherever it points).
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      })
      status = response.status
      text = await readCapped(response)
    } catch (error) {
      if (error instanceof UpstreamError) throw this.failed(error, logged, elapsed())
      const unavailable = new UnavailableError(
        isTimeout(error)
          ? `Paystack did not answer ${what} within ${this.timeoutMs} ms`
          : `Could not reach Paystack to ${what}`,
        'paystack_unavailable',
      )
      throw this.failed(unavailable, logged, elapsed())
    }
    const body = this.parseJson(text)
    const refused =
      typeof body === 'object' && body !== null && 'status' in body && body.status === false
    if (status < 200 || status >= 300 || refused) {
      throw this.failed(paystackFailure(status, body, what), logged, elapsed(), status)
    }
    const parsed = envelope.safeParse(body)
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '_'))]
      const error = new UpstreamError(
        `Paystack answered ${what} in an unexpected shape`,
        'paystack_bad_response',
        { fields: fields.slice(0, 10) },
      )
      throw this.failed(error, logged, elapsed(), status)
    }
    this.#logger?.debug({ paystack: { ...logged, status, ms: elapsed() } }, 'paystack call')
    return parsed.data
  }

  private parseJson(text: string): unknown {
    // Anything Paystack (or whatever answers at the base URL) echoes back loses our key before
    // it can reach an error message, a log line or a caller.
    const clean = text.replaceAll(this.#secretKey, '[redacted]')
    try {
      return JSON.parse(clean)
    } catch {
      return undefined
    }
  }

  private failed<E extends Error & { code: string }>(
    error: E,
    logged: { method: string; path: string },
    ms: number,
    status?: number,
  ): E {
    this.#logger?.warn(
      { paystack: { ...logged, ms, ...(status ? { status } : {}), code: error.code } },
      'paystack call failed',
    )
    return error
  }
}

function toTransaction(data: TransactionData): PaystackTransaction {
  const card =
    data.authorization && 'authorization_code' in data.authorization ? data.authorization : null
  return {
    id: data.id,
    reference: data.reference,
    status: data.status,
    amount: data.amount,
    requestedAmount: data.requested_amount ?? null,
    currency: data.currency,
    paidAt: data.paid_at ?? null,
    createdAt: data.created_at ?? null,
    channel: data.channel ?? null,
    gatewayResponse: data.gateway_response ?? null,
    fees: data.fees ?? null,
    customer: {
      id: data.customer.id,
      email: data.customer.email,
      customerCode: data.customer.customer_code,
    },
    authorization: card
      ? {
          authorizationCode: card.authorization_code,
          last4: card.last4,
          brand: card.brand,
          channel: card.channel,
          reusable: card.reusable,
        }
      : null,
    metadata: data.metadata,
  }
}

function toRecipient(data: z.infer<typeof recipientDataSchema>): PaystackRecipient {
  return {
    id: data.id,
    recipientCode: data.recipient_code,
    name: data.name,
    currency: data.currency,
    active: data.active,
    accountNumber: data.details.account_number,
    accountName: data.details.account_name,
    bankCode: data.details.bank_code,
    bankName: data.details.bank_name,
  }
}

function toTransfer(data: z.infer<typeof transferDataSchema>): PaystackTransfer {
  return {
    id: data.id,
    transferCode: data.transfer_code,
    reference: data.reference,
    amount: data.amount,
    currency: data.currency,
    status: data.status,
    reason: data.reason ?? null,
    createdAt: data.createdAt ?? null,
  }
}

function toSubscription(data: SubscriptionData): PaystackSubscription {
  return {
    subscriptionCode: data.subscription_code,
    emailToken: data.email_token,
    status: data.status,
    amount: data.amount,
    nextPaymentDate: data.next_payment_date ?? null,
    planCode: data.plan.plan_code,
    customerEmail: data.customer.email,
    authorizationCode:
      typeof data.authorization === 'string'
        ? data.authorization
        : (data.authorization?.authorization_code ?? null),
  }
}

function assertPositiveId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new ValidationError('Invalid Paystack call', { id: 'must be a positive integer' })
  }
}
