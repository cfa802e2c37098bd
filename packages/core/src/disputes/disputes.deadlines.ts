import { op } from '../db/query.js'
import type { Ctx } from '../shared/ctx.js'
import { DEADLINE_BATCH, skipChanged } from './dispute.rules.js'
import type { DisputeDecisions } from './disputes.decisions.js'
import type { DisputeRecords } from './disputes.records.js'
import type { DisputesDeps } from './disputes.service.js'

/** What one pass of `advance-dispute-deadlines` did. */
export type DeadlinesResult = {
  escalated: number
  closed: number
  overdue: number
  settledLate: number
}

/**
 * The `advance-dispute-deadlines` job, one step per clock: the seller's 3 days, the buyer's
 * 3 days, the administrators' 48 hours; then the repair of half-done settlements. A step that
 * loses a race to a person (an answer, a decision) skips that case.
 */
export class DisputeDeadlines {
  constructor(
    private deps: DisputesDeps,
    private records: DisputeRecords,
    private decisions: DisputeDecisions,
  ) {}

  async advance(ctx: Ctx): Promise<DeadlinesResult> {
    return {
      escalated: await this.escalateUnanswered(ctx),
      closed: await this.closeUnescalated(ctx),
      overdue: await this.markDecisionsOverdue(ctx),
      settledLate: await this.decisions.repairSettlements(ctx),
    }
  }

  /** Unanswered cases past the seller's 3 days escalate to an administrator. */
  private async escalateUnanswered(ctx: Ctx): Promise<number> {
    const unanswered = await this.deps.disputes
      .find({ status: 'awaiting_seller', sellerDueAt: op({ $lte: ctx.now }) })
      .limit(DEADLINE_BATCH)
      .lean()
    let escalated = 0
    for (const doc of unanswered) {
      const moved = await this.decisions
        .escalateAs(ctx, doc, 'system', 'the seller did not answer within 3 days')
        .catch(skipChanged)
      if (moved) escalated++
    }
    return escalated
  }

  /** Answered cases the buyer did not escalate within 3 days close for the seller. */
  private async closeUnescalated(ctx: Ctx): Promise<number> {
    const lapsed = await this.deps.disputes
      .find({ status: 'seller_answered', buyerDueAt: op({ $lte: ctx.now }) })
      .limit(DEADLINE_BATCH)
      .lean()
    let closed = 0
    for (const doc of lapsed) {
      const settled = await this.decisions
        .settle(ctx, doc, 'system', {
          outcome: 'release',
          amount: 0,
          reason: 'the buyer did not escalate within 3 days of the answer',
        })
        .catch(skipChanged)
      if (settled) closed++
    }
    return closed
  }

  /** Escalated cases past the 48-hour decision deadline are marked overdue, once. */
  private async markDecisionsOverdue(ctx: Ctx): Promise<number> {
    const late = await this.deps.disputes
      .find({
        status: 'escalated',
        adminDueAt: op({ $lte: ctx.now }),
        overdueAt: op({ $exists: false }),
      })
      .limit(DEADLINE_BATCH)
      .lean()
    let overdue = 0
    for (const doc of late) {
      const marked = await this.records.record(ctx, doc, {
        where: { status: 'escalated', overdueAt: op({ $exists: false }) },
        set: { overdueAt: ctx.now },
        step: {
          step: 'overdue',
          headline: 'the decision is overdue',
          detail:
            'An administrator has not decided within 48 hours; the case is at the top of the queue.',
        },
      })
      if (marked) overdue++
    }
    return overdue
  }
}
