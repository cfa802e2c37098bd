import { z } from 'zod'
import { UpstreamError } from '../../shared/errors.js'
import {
  assertAmount,
  assertTransactionReference,
  type PaystackRequest,
  type Query,
} from './paystack.request.js'
import {
  type TransactionData,
  transactionDataSchema,
  transactionInitializeDataSchema,
} from './paystack.schemas.js'
import type {
  InitializeTransactionInput,
  PaystackCheckout,
  PaystackTransaction,
} from './paystack.types.js'

// Paystack's transactions: a buyer's checkout, its verification and the reconciliation's list.

/**
 * Starts a checkout for the buyer; send them to `authorizationUrl`.
 * @throws ConflictError `duplicate_reference` when the reference was used before: verify it.
 */
export async function initializeTransaction(
  paystack: PaystackRequest,
  input: InitializeTransactionInput,
): Promise<PaystackCheckout> {
  assertAmount(input.amount)
  assertTransactionReference(input.reference)
  const data = await paystack.call(
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
export async function verifyTransaction(
  paystack: PaystackRequest,
  reference: string,
): Promise<PaystackTransaction> {
  assertTransactionReference(reference)
  const data = await paystack.call(
    'GET',
    `/transaction/verify/${encodeURIComponent(reference)}`,
    transactionDataSchema,
    'verify transaction',
  )
  return toTransaction(data)
}

/**
 * One page of transactions created in `[from, to]` (ISO times), newest first; reconciliation
 * reads every page. `perPage` at most 100.
 */
export async function listTransactions(
  paystack: PaystackRequest,
  input: {
    from: string
    to: string
    status?: 'success' | 'failed' | 'abandoned'
    page: number
    perPage: number
  },
): Promise<PaystackTransaction[]> {
  const query: Query = {
    from: input.from,
    to: input.to,
    page: String(input.page),
    perPage: String(input.perPage),
    ...(input.status ? { status: input.status } : {}),
  }
  const data = await paystack.call(
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
