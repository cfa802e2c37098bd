import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { CURRENCIES, type Currency } from '../shared/money.js'
import type { SealedValue } from './account-number.cipher.js'

/**
 * Where a store's payouts go. The account number is kept only sealed (AES-256-GCM) and as its
 * last four digits; transfers use Paystack's recipient code.
 */
export interface PayoutAccountDoc {
  _id: Types.ObjectId
  /** Unique: one payout account per store. */
  storeId: string
  /** The seller who set it (the store's owner at the time). */
  setBy: string
  currency: Currency
  bankCode: string
  bankName: string
  /** The account holder's name as the bank resolved it. */
  accountName: string
  accountNumber: SealedValue
  accountNumberLast4: string
  /** Paystack's `RCP_...` code for this account. */
  recipientCode: string
  /** Set when the account changed: no payout is sent before this time. */
  payoutsHeldUntil?: Date
  createdAt: Date
  updatedAt: Date
}

const sealedSchema = new Schema<SealedValue>(
  {
    keyId: { type: String, required: true },
    iv: { type: String, required: true },
    tag: { type: String, required: true },
    data: { type: String, required: true },
  },
  { _id: false },
)

const payoutAccountSchema = new Schema<PayoutAccountDoc>(
  {
    storeId: { type: String, required: true, unique: true },
    setBy: { type: String, required: true },
    currency: { type: String, required: true, enum: CURRENCIES },
    bankCode: { type: String, required: true },
    bankName: { type: String, required: true },
    accountName: { type: String, required: true },
    accountNumber: { type: sealedSchema, required: true },
    accountNumberLast4: { type: String, required: true },
    recipientCode: { type: String, required: true },
    payoutsHeldUntil: Date,
  },
  { timestamps: true, collection: 'payout_accounts' },
)

export type PayoutAccountModel = Model<PayoutAccountDoc>

export const createPayoutAccountModel = (conn: Connection): PayoutAccountModel =>
  conn.models.PayoutAccount ?? conn.model<PayoutAccountDoc>('PayoutAccount', payoutAccountSchema)
