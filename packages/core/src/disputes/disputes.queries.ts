import { op } from '../db/query.js'
import { sellerAccount } from '../ledger/ledger.accounts.js'
import { type Ctx, requireRole, requireUser } from '../shared/ctx.js'
import type { Currency } from '../shared/money.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import { toDisputeDTO } from './dispute.dto.js'
import type { DisputeDoc } from './dispute.model.js'
import { DEADLINE_BATCH, openKeyOf } from './dispute.rules.js'
import { type ListDisputesQuery, listDisputesQuery } from './dispute.schemas.js'
import { type DisputeDTO, OPEN_DISPUTE_STATUSES } from './dispute.types.js'
import type { DisputeRecords } from './disputes.records.js'
import type { DisputesDeps } from './disputes.service.js'

/**
 * The reads of cases: the parties' and administrators' lists, one case, the open count, the
 * money a store's open cases hold back, and the lookups of chargeback cases.
 */
export class DisputeQueries {
  constructor(
    private deps: DisputesDeps,
    private records: DisputeRecords,
  ) {}

  /** Cases still open (their money frozen). Administrators. */
  async countOpen(ctx: Ctx): Promise<number> {
    requireRole(ctx, 'admin')
    return this.deps.disputes.countDocuments({ status: op({ $in: OPEN_DISPUTE_STATUSES }) })
  }

  /** The signed-in buyer's cases, newest first. */
  async listOwn(ctx: Ctx, query: Partial<ListDisputesQuery> = {}): Promise<Page<DisputeDTO>> {
    return this.page({ buyerId: requireUser(ctx) }, query)
  }

  /** The seller's store's cases, newest first. */
  async listForSeller(ctx: Ctx, query: Partial<ListDisputesQuery> = {}): Promise<Page<DisputeDTO>> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    return this.page({ storeId: store.id }, query)
  }

  /** Every case, by status, source, store, or only overdue ones; administrators. */
  async list(ctx: Ctx, query: Partial<ListDisputesQuery> = {}): Promise<Page<DisputeDTO>> {
    requireRole(ctx, 'admin')
    return this.page(query.store ? { storeId: query.store } : {}, query)
  }

  /** One case, for its buyer, its store's seller or an administrator. */
  async get(ctx: Ctx, disputeId: string): Promise<DisputeDTO> {
    const { doc } = await this.records.visible(ctx, disputeId)
    return toDisputeDTO(doc)
  }

  /** The open platform case of an order (`POST /api/v1/admin/orders/:id/resolve`). */
  async openCaseOf(ctx: Ctx, orderId: string): Promise<DisputeDTO | undefined> {
    requireRole(ctx, 'admin')
    const doc = await this.deps.disputes.findOne({ openKey: openKeyOf('platform', orderId) }).lean()
    return doc ? toDisputeDTO(doc) : undefined
  }

  /** See `DisputesService.frozenAmount`. */
  async frozenAmount(ctx: Ctx, storeId: string, currency: Currency): Promise<number> {
    const open = await this.deps.disputes
      .find({ storeId, status: op({ $in: OPEN_DISPUTE_STATUSES }), currency })
      .lean()
    const available = sellerAccount(storeId, 'available')
    let frozen = 0
    for (const orderId of new Set(open.map((d) => d.orderId))) {
      const journals = await this.deps.ledger.journalsForOrder(ctx, orderId)
      const sum = journals
        .filter((j) => j.currency === currency)
        .flatMap((j) => j.entries)
        .filter((e) => e.account === available)
        .reduce((total, e) => total + e.amount, 0)
      // Credit-normal: a negative sum is money the seller holds.
      frozen += Math.max(0, -sum)
    }
    return frozen
  }

  /** The chargeback case of one Paystack dispute and one order, if opened. */
  async findByPaystack(disputeId: number, orderId: string): Promise<DisputeDoc | null> {
    return this.deps.disputes.findOne({ 'paystack.disputeId': disputeId, orderId }).lean()
  }

  /** The Paystack disputes with an undecided, unanswered case due by `before` (chargebacks.ts). */
  async chargebacksDueBy(before: Date): Promise<number[]> {
    const docs = await this.deps.disputes
      .find({
        source: 'chargeback',
        status: 'escalated',
        'paystack.dueAt': op({ $lte: before }),
        'paystack.autoAnsweredAt': op({ $exists: false }),
        'paystack.resolution': op({ $exists: false }),
      })
      .select({ paystack: 1 })
      .limit(DEADLINE_BATCH)
      .lean()
    return [...new Set(docs.map((d) => d.paystack!.disputeId))]
  }

  /** Every case of one Paystack dispute (one per store order its transaction paid). */
  async chargebackCases(disputeId: number): Promise<DisputeDoc[]> {
    return this.deps.disputes
      .find({ source: 'chargeback', 'paystack.disputeId': disputeId })
      .sort({ orderId: 1 })
      .lean()
  }

  private async page(
    scope: Record<string, unknown>,
    input: Partial<ListDisputesQuery>,
  ): Promise<Page<DisputeDTO>> {
    const query = validateInput(listDisputesQuery, input)
    const filter: Record<string, unknown> = { ...scope }
    if (query.status) filter.status = query.status
    if (query.source) filter.source = query.source
    if (query.overdue) {
      filter.status = 'escalated'
      filter.adminDueAt = op({ $lte: this.deps.clock.now() })
    }
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.disputes
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toDisputeDTO, idCursorOf)
  }
}
