import { type Ctx, isAdmin, requireRole } from '../shared/ctx.js'
import { NotFoundError } from '../shared/errors.js'
import { isId } from '../shared/ids.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import { PAYOUT_CURRENCY, toPayoutDetailDTO, toPayoutDTO } from './payout.dto.js'
import type { PayoutDoc, PayoutModel, PayoutStatus } from './payout.model.js'
import { nextPayoutRun } from './payout.period.js'
import {
  type ListPayoutsQuery,
  listPayoutsQuery,
  type SellerPayoutsQuery,
  sellerPayoutsQuery,
} from './payout.schemas.js'
import type { PayoutDetailDTO, PayoutDTO, SellerBalanceDTO } from './payout.types.js'
import type { PayoutsDeps } from './payouts.service.js'

/** The reads of payouts: lists for administrators and sellers, one payout, a seller's balance. */
export class PayoutQueries {
  constructor(
    private deps: Pick<PayoutsDeps, 'payouts' | 'accounts' | 'ledger' | 'stores' | 'settings'>,
  ) {}

  /** Payouts, newest first, for administrators (`kloset payouts list`). */
  async list(ctx: Ctx, query: ListPayoutsQuery = {}): Promise<Page<PayoutDTO>> {
    requireRole(ctx, 'admin')
    const q = validateInput(listPayoutsQuery, query)
    return this.page(q, q.storeId)
  }

  /** The signed-in seller's payouts, newest first. @throws NotFoundError when they have no store. */
  async listOwn(ctx: Ctx, query: SellerPayoutsQuery = {}): Promise<Page<PayoutDTO>> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    return this.page(validateInput(sellerPayoutsQuery, query), store.id)
  }

  /**
   * One payout with its coverage and history. Administrators see any (by id or reference); a
   * seller sees only their store's, and another store's payout looks absent.
   * @throws NotFoundError
   */
  async get(ctx: Ctx, idOrReference: string): Promise<PayoutDetailDTO> {
    if (isAdmin(ctx) || ctx.actor.kind === 'system') {
      return toPayoutDetailDTO(await findPayout(this.deps.payouts, idOrReference))
    }
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    const doc = isId(idOrReference) ? await this.deps.payouts.findById(idOrReference).lean() : null
    if (!doc || doc.storeId !== store.id) throw new NotFoundError('Payout')
    return toPayoutDetailDTO(doc)
  }

  /** The signed-in seller's balances and when the next payout can come. */
  async ownBalance(ctx: Ctx): Promise<SellerBalanceDTO> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    const balances = await this.deps.ledger.storeBalances(ctx, store.id, PAYOUT_CURRENCY)
    const account = await this.deps.accounts.forStore(store.id)
    const held =
      account?.payoutsHeldUntil && account.payoutsHeldUntil > ctx.now
        ? account.payoutsHeldUntil
        : undefined
    return {
      storeId: store.id,
      currency: PAYOUT_CURRENCY,
      pending: balances.pending,
      available: balances.available,
      inTransit: balances.inTransit,
      paid: balances.paid,
      minimumPayout: this.deps.settings.minimumKobo,
      nextPayoutAt: nextPayoutRun(held ?? ctx.now).toISOString(),
      ...(held ? { payoutsHeldUntil: held.toISOString() } : {}),
      payoutAccount: account
        ? { bankName: account.bankName, accountNumberLast4: account.accountNumberLast4 }
        : null,
    }
  }

  private async page(
    q: {
      limit: number
      cursor?: string | undefined
      period?: string | undefined
      status?: PayoutStatus | undefined
    },
    storeId: string | undefined,
  ): Promise<Page<PayoutDTO>> {
    const filter: Record<string, unknown> = {}
    if (storeId) filter.storeId = storeId
    if (q.period) filter.period = q.period
    if (q.status) filter.status = q.status
    Object.assign(filter, afterIdCursor(q.cursor))
    const rows = await this.deps.payouts
      .find(filter)
      .sort({ _id: -1 })
      .limit(q.limit + 1)
      .lean()
    return toPage(rows, q.limit, toPayoutDTO, idCursorOf)
  }
}

/** By id, or by a transfer reference (current or earlier attempt). @throws NotFoundError */
export async function findPayout(payouts: PayoutModel, idOrReference: string): Promise<PayoutDoc> {
  const key = idOrReference.trim()
  const doc =
    (isId(key) ? await payouts.findById(key).lean() : null) ??
    (await payouts.findOne({ reference: key.toLowerCase() }).lean()) ??
    (await payouts.findOne({ 'attempts.reference': key.toLowerCase() }).lean())
  if (!doc) throw new NotFoundError('Payout')
  return doc
}

/** The payout as stored now (the given copy if it is gone). */
export async function reloadPayout(payouts: PayoutModel, doc: PayoutDoc): Promise<PayoutDoc> {
  return (await payouts.findById(doc._id).lean()) ?? doc
}
