import type { Clock } from '../shared/clock.js'
import { type Ctx, describeActor } from '../shared/ctx.js'
import { ConflictError, InvalidStateError, ValidationError } from '../shared/errors.js'
import {
  type JournalDraft,
  type OrderHistory,
  orderHistoryOf,
  type SameJournal,
  sameJournal,
  toJournalDTO,
} from './ledger.journals.js'
import type { JournalDoc, JournalModel } from './ledger.model.js'
import { journalShapeProblems, sumEntries } from './ledger.rules.js'
import type { JournalDTO } from './ledger.types.js'

/** Attempts at an order's or payout's sequence before giving up under contention. */
const MAX_ATTEMPTS = 5

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000

/**
 * The posting mechanics: a journal is inserted at most once per idempotency key, and the
 * journals of one sequence (an order's releases and refunds, a payout's outcome) claim unique
 * slots, so of two postings computed from the same state only one lands and the other is
 * computed again. No transaction is needed: both keys are unique indexes.
 */
export class JournalPoster {
  constructor(private deps: { journals: JournalModel; clock: Clock }) {}

  /**
   * Posts a journal built from its input alone (no state to read): once under its own key, a
   * replay with the same entries returns the journal booked first.
   * @throws as `post`.
   */
  postDraft(ctx: Ctx, draft: JournalDraft): Promise<JournalDTO> {
    return this.post(ctx, draft.idempotencyKey, sameJournal(draft), async () => draft)
  }

  /**
   * Posts at most once per key. A journal already under the key is returned if `same` accepts
   * it (a replay), else ConflictError `idempotency_conflict`. Otherwise `build` computes the
   * journal from current state and it is inserted; when the insert loses a race on its slot to
   * another journal of the sequence, `slotTaken` says why, or (no error) the journal is
   * computed again from the new state.
   * @throws ConflictError `idempotency_conflict`, `ledger_busy`; ValidationError
   *   `invalid_journal`; InvalidStateError `unbalanced_journal`.
   */
  async post(
    ctx: Ctx,
    key: string,
    same: SameJournal,
    build: () => Promise<JournalDraft>,
    slotTaken: () => Error | undefined = () => undefined,
  ): Promise<JournalDTO> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.byKey(key)
      if (existing) return this.replay(existing, same)
      const inserted = await this.insert(ctx, await build())
      if (inserted) return toJournalDTO(inserted)
      const winner = await this.byKey(key)
      if (winner) return this.replay(winner, same)
      const error = slotTaken()
      if (error) throw error
    }
    throw new ConflictError('The ledger kept changing under this posting; try again', 'ledger_busy')
  }

  /** The journal posted under an idempotency key, if any. */
  async byKey(idempotencyKey: string): Promise<JournalDoc | null> {
    return this.deps.journals.findOne({ idempotencyKey }).lean()
  }

  /** An order's journals, oldest first, sorted into sale, releases and refunds. */
  async orderHistory(orderId: string): Promise<OrderHistory> {
    const docs = await this.deps.journals.find({ 'refs.orderId': orderId }).sort({ _id: 1 }).lean()
    return orderHistoryOf(docs)
  }

  private replay(existing: JournalDoc, same: SameJournal): JournalDTO {
    if (!same(existing)) {
      throw new ConflictError(
        'This idempotency key was already used for a different journal',
        'idempotency_conflict',
        { journalId: String(existing._id) },
      )
    }
    return toJournalDTO(existing)
  }

  /** Inserts a checked journal; undefined when a unique key (idempotency or slot) is taken. */
  private async insert(ctx: Ctx, draft: JournalDraft): Promise<JournalDoc | undefined> {
    const problems = journalShapeProblems(draft)
    if (problems.length > 0) {
      throw new ValidationError('Invalid journal', { problems }, 'invalid_journal')
    }
    const sum = sumEntries(draft.entries)
    if (sum !== 0n) {
      throw new InvalidStateError('Journal entries do not sum to zero', 'unbalanced_journal', {
        sum: sum.toString(),
      })
    }
    try {
      const doc = await this.deps.journals.create({
        idempotencyKey: draft.idempotencyKey,
        slotKey: draft.slotKey,
        kind: draft.kind,
        currency: draft.currency,
        entries: draft.entries,
        refs: draft.refs,
        ...(draft.memo ? { memo: draft.memo } : {}),
        postedAt: this.deps.clock.now(),
        postedBy: describeActor(ctx.actor),
      })
      return doc.toObject()
    } catch (error) {
      if (isDuplicateKey(error)) return undefined
      throw error
    }
  }
}
