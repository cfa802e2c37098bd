import {
  type BankDTO,
  JOURNAL_KINDS,
  PAYOUT_STATUSES,
  type PayoutAccountDTO,
  type PayoutDetailDTO,
  type PayoutDTO,
  type SellerBalanceDTO,
  type StoreLedgerEntryDTO,
} from '@kloset/core'
import { z } from 'zod'
import {
  type Agrees,
  type Assert,
  at,
  count,
  currency,
  id,
  kobo,
  strict,
} from './common.schemas.js'

/* The money shapes: payout accounts, banks, payouts, balances, ledger entries. (The contract: common.schemas.ts.) */

const payoutStatus = z.enum(PAYOUT_STATUSES)
export const payoutAccountDTO = strict({
  storeId: id,
  currency,
  bankCode: z.string().meta({ example: '058' }),
  bankName: z.string().meta({ example: 'Guaranty Trust Bank' }),
  accountName: z.string(),
  accountNumberLast4: z.string().meta({ example: '6789' }),
  payoutsHeldUntil: at.optional(),
  updatedAt: at,
}).meta({ id: 'PayoutAccount' })
export const bankDTO = strict({
  code: z.string().meta({ example: '058' }),
  name: z.string().meta({ example: 'Guaranty Trust Bank' }),
  slug: z.string().meta({ example: 'guaranty-trust-bank' }),
}).meta({ id: 'Bank' })
const payoutFields = {
  id,
  storeId: id,
  period: z.string().meta({ example: '2026-W49' }),
  currency,
  amount: kobo,
  status: payoutStatus,
  attempt: count,
  reference: z.string(),
  bankName: z.string(),
  accountNumberLast4: z.string(),
  failureReason: z.string().optional(),
  attention: z.string().optional(),
  createdAt: at,
  sentAt: at.optional(),
  paidAt: at.optional(),
  failedAt: at.optional(),
}
export const payoutDTO = strict(payoutFields).meta({ id: 'Payout' })
export const payoutDetailDTO = strict({
  ...payoutFields,
  accountName: z.string(),
  transferCode: z.string().optional(),
  paystackStatus: z.string().optional(),
  lastError: z.string().optional(),
  balanceBefore: strict({ pending: kobo, available: kobo, inTransit: kobo, paid: kobo }),
  covers: strict({
    orderIds: z.array(id),
    truncated: z.boolean(),
    throughJournalId: z.string().optional(),
    afterJournalId: z.string().optional(),
  }),
  attempts: z.array(
    strict({
      attempt: count,
      reference: z.string(),
      status: payoutStatus,
      transferCode: z.string().optional(),
      failureReason: z.string().optional(),
      endedAt: at,
    }),
  ),
}).meta({ id: 'PayoutDetail' })
export const sellerBalanceDTO = strict({
  storeId: id,
  currency,
  pending: kobo,
  available: kobo,
  inTransit: kobo,
  paid: kobo,
  minimumPayout: kobo,
  nextPayoutAt: at,
  payoutsHeldUntil: at.optional(),
  payoutAccount: strict({ bankName: z.string(), accountNumberLast4: z.string() }).nullable(),
}).meta({ id: 'SellerBalance' })

export const storeLedgerEntryDTO = strict({
  id,
  kind: z.enum(JOURNAL_KINDS),
  currency,
  postedAt: at,
  refs: strict({
    orderId: z.string().optional(),
    orderGroupId: z.string().optional(),
    payoutId: z.string().optional(),
    refundId: z.string().optional(),
  }),
  memo: z.string().optional(),
  changes: strict({
    pending: kobo.optional(),
    available: kobo.optional(),
    inTransit: kobo.optional(),
    paid: kobo.optional(),
  }),
}).meta({ id: 'StoreLedgerEntry' })

// Compile-time guards: each schema's output type and its core DTO must be the same type.
export type PayoutsSchemasAgree = [
  Assert<Agrees<typeof payoutAccountDTO, PayoutAccountDTO>>,
  Assert<Agrees<typeof bankDTO, BankDTO>>,
  Assert<Agrees<typeof payoutDTO, PayoutDTO>>,
  Assert<Agrees<typeof payoutDetailDTO, PayoutDetailDTO>>,
  Assert<Agrees<typeof sellerBalanceDTO, SellerBalanceDTO>>,
  Assert<Agrees<typeof storeLedgerEntryDTO, StoreLedgerEntryDTO>>,
]
