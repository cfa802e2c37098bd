import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { CURRENCIES, type Currency } from '../shared/money.js'
import {
  JOURNAL_KINDS,
  type JournalKind,
  type JournalRefs,
  type LedgerEntry,
} from './ledger.types.js'

/**
 * One journal per document, its entries inside it: a posting is a single atomic insert, which
 * is all the atomicity FerretDB v1 (no transactions) offers.
 */
export interface JournalDoc {
  _id: Types.ObjectId
  /** Unique: a replayed event finds its journal instead of posting again. */
  idempotencyKey: string
  /**
   * Unique: the slot a journal claims in a sequence (`order:<id>:seq:<n>` for an order's
   * releases and refunds, `payout:<id>:outcome` for a payout's settlement or failure), so two
   * writers that computed from the same snapshot cannot both land. Equal to the idempotency key
   * for journals that are not part of a sequence.
   */
  slotKey: string
  kind: JournalKind
  currency: Currency
  entries: LedgerEntry[]
  refs?: JournalRefs
  memo?: string
  postedAt: Date
  postedBy: string
}

const entrySchema = new Schema<LedgerEntry>(
  {
    account: { type: String, required: true },
    amount: { type: Number, required: true },
  },
  { _id: false },
)

const refsSchema = new Schema<JournalRefs>(
  {
    orderId: String,
    orderGroupId: String,
    storeId: String,
    payoutId: String,
    refundId: String,
  },
  { _id: false },
)

const journalSchema = new Schema<JournalDoc>(
  {
    idempotencyKey: { type: String, required: true, unique: true },
    slotKey: { type: String, required: true, unique: true },
    kind: { type: String, required: true, enum: JOURNAL_KINDS },
    currency: { type: String, required: true, enum: CURRENCIES },
    entries: { type: [entrySchema], required: true },
    refs: refsSchema,
    memo: String,
    postedAt: { type: Date, required: true },
    postedBy: { type: String, required: true },
  },
  { collection: 'ledger_journals', versionKey: false },
)
journalSchema.index({ 'refs.storeId': 1, _id: -1 })
journalSchema.index({ 'refs.orderId': 1, _id: 1 })
journalSchema.index({ currency: 1, postedAt: 1 })
journalSchema.index({ 'entries.account': 1 })

// Append-only: nothing in the ledger is edited or deleted; a correction is a new journal.
const appendOnly = () => {
  throw new Error('ledger_journals is append-only: post a correcting journal instead')
}
journalSchema.pre(
  [
    'updateOne',
    'updateMany',
    'replaceOne',
    'findOneAndUpdate',
    'findOneAndReplace',
    'findOneAndDelete',
    'deleteOne',
    'deleteMany',
  ],
  appendOnly,
)
journalSchema.pre('bulkWrite', appendOnly)
journalSchema.pre('save', function () {
  if (!this.isNew) appendOnly()
})

export type JournalModel = Model<JournalDoc>

export const createJournalModel = (conn: Connection): JournalModel =>
  conn.models.LedgerJournal ?? conn.model<JournalDoc>('LedgerJournal', journalSchema)
