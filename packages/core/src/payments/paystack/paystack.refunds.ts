import { z } from 'zod'
import {
  assertAmount,
  assertPositiveId,
  type PaystackRequest,
  type Query,
} from './paystack.request.js'
import { refundCreatedDataSchema, refundDataSchema } from './paystack.schemas.js'
import type { CreateRefundInput, PaystackRefund } from './paystack.types.js'

// Paystack's refunds of a paid transaction.

/** Refunds all or part of a paid transaction; the refund starts `pending`. */
export async function createRefund(
  paystack: PaystackRequest,
  input: CreateRefundInput,
): Promise<PaystackRefund> {
  if (input.amount !== undefined) assertAmount(input.amount)
  const data = await paystack.call('POST', '/refund', refundCreatedDataSchema, 'create refund', {
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
export async function fetchRefund(paystack: PaystackRequest, id: number): Promise<PaystackRefund> {
  assertPositiveId(id)
  const data = await paystack.call('GET', `/refund/${id}`, refundDataSchema, 'fetch refund')
  return toRefund(data)
}

/**
 * One page of refunds created in `[from, to]` (ISO times), newest first; reconciliation reads
 * every page. `perPage` at most 100.
 */
export async function listRefunds(
  paystack: PaystackRequest,
  input: { from: string; to: string; page: number; perPage: number },
): Promise<PaystackRefund[]> {
  const query: Query = {
    from: input.from,
    to: input.to,
    page: String(input.page),
    perPage: String(input.perPage),
  }
  const data = await paystack.call('GET', '/refund', z.array(refundDataSchema), 'list refunds', {
    query,
  })
  return data.map(toRefund)
}

function toRefund(data: z.infer<typeof refundDataSchema>): PaystackRefund {
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
