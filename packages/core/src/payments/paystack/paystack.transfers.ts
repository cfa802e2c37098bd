import { z } from 'zod'
import { ValidationError } from '../../shared/errors.js'
import type { Currency } from '../../shared/money.js'
import {
  assertAmount,
  assertTransferReference,
  type PaystackRequest,
  type Query,
} from './paystack.request.js'
import {
  balanceDataSchema,
  bankSchema,
  bulkTransferItemSchema,
  recipientDataSchema,
  resolveAccountDataSchema,
  transferDataSchema,
  transferDetailDataSchema,
} from './paystack.schemas.js'
import type {
  CreateRecipientInput,
  InitiateTransferInput,
  PaystackBalance,
  PaystackBank,
  PaystackBulkTransferItem,
  PaystackRecipient,
  PaystackTransfer,
  PaystackTransferDetail,
  ResolvedAccount,
} from './paystack.types.js'

// Paystack's transfers: banks, recipients, single and bulk transfers, their outcome, the balance.

/** Paystack takes at most 100 transfers per bulk call. */
const MAX_BULK_TRANSFERS = 100
const RECIPIENT_TYPES: Partial<Record<Currency, string>> = {
  NGN: 'nuban',
  GHS: 'ghipss',
  ZAR: 'basa',
}

/** Banks sellers can be paid at, with the `code` recipients need; follows the list's cursor. */
export async function listBanks(
  paystack: PaystackRequest,
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
    const list = await paystack.callList('GET', '/bank', bankSchema, 'list banks', query)
    banks.push(...list.data)
    next = list.meta?.next
    if (!next) break
  }
  return banks
}

/** The account holder's name at a bank: show it to the seller before saving payout details. */
export async function resolveAccount(
  paystack: PaystackRequest,
  input: {
    accountNumber: string
    bankCode: string
  },
): Promise<ResolvedAccount> {
  const data = await paystack.call(
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
export async function createTransferRecipient(
  paystack: PaystackRequest,
  input: CreateRecipientInput,
): Promise<PaystackRecipient> {
  const type = RECIPIENT_TYPES[input.currency]
  if (!type) {
    throw new ValidationError('Invalid Paystack call', {
      currency: `payouts in ${input.currency} are not supported`,
    })
  }
  const data = await paystack.call(
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
export async function initiateTransfer(
  paystack: PaystackRequest,
  input: InitiateTransferInput,
): Promise<PaystackTransfer> {
  assertAmount(input.amount)
  assertTransferReference(input.reference)
  const data = await paystack.call('POST', '/transfer', transferDataSchema, 'initiate transfer', {
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
export async function initiateBulkTransfer(
  paystack: PaystackRequest,
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
  const list = await paystack.callList(
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
export async function finalizeTransfer(
  paystack: PaystackRequest,
  input: { transferCode: string; otp: string },
): Promise<PaystackTransfer> {
  const data = await paystack.call(
    'POST',
    '/transfer/finalize_transfer',
    transferDataSchema,
    'finalize transfer',
    { body: { transfer_code: input.transferCode, otp: input.otp } },
  )
  return toTransfer(data)
}

/** A transfer by our reference, with its recipient: the way to learn a transfer's outcome. */
export async function verifyTransfer(
  paystack: PaystackRequest,
  reference: string,
): Promise<PaystackTransferDetail> {
  assertTransferReference(reference)
  const data = await paystack.call(
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

/** One page of transfers created in `[from, to]` (ISO times), newest first. */
export async function listTransfers(
  paystack: PaystackRequest,
  input: {
    from: string
    to: string
    page: number
    perPage: number
  },
): Promise<PaystackTransfer[]> {
  const query: Query = {
    from: input.from,
    to: input.to,
    page: String(input.page),
    perPage: String(input.perPage),
  }
  const data = await paystack.call(
    'GET',
    '/transfer',
    z.array(transferDetailDataSchema),
    'list transfers',
    { query },
  )
  return data.map(toTransfer)
}

/** What the Paystack balance holds, per currency, in minor units. */
export async function fetchBalance(paystack: PaystackRequest): Promise<PaystackBalance[]> {
  return paystack.call('GET', '/balance', balanceDataSchema, 'fetch balance')
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
    feeCharged: data.fee_charged ?? 0,
  }
}
