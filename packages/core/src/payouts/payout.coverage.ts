import { op } from '../db/query.js'
import type { Ctx } from '../shared/ctx.js'
import { PAYOUT_CURRENCY } from './payout.dto.js'
import type { PayoutCoverage } from './payout.model.js'
import { RETRYABLE_STATUSES } from './payout.transitions.js'
import type { PayoutsDeps } from './payouts.service.js'

/** How many order ids a payout records as covered; beyond it, `covers.truncated`. */
const MAX_COVERED_ORDERS = 1_000
const MAX_COVERAGE_PAGES = 50

/**
 * What the payout pays for: the orders released to available since the previous payout that
 * went out (their release journals), up to the store's newest journal now.
 */
export async function payoutCoverage(
  deps: Pick<PayoutsDeps, 'payouts' | 'ledger'>,
  ctx: Ctx,
  storeId: string,
): Promise<PayoutCoverage> {
  const previous = await deps.payouts
    .findOne({ storeId, status: op({ $nin: RETRYABLE_STATUSES }) })
    .sort({ _id: -1 })
    .lean()
  const after = previous?.covers.throughJournalId
  const orderIds: string[] = []
  let through: string | undefined
  let truncated = false
  let cursor: string | undefined
  walk: for (let page = 0; page < MAX_COVERAGE_PAGES; page++) {
    const entries = await deps.ledger.listEntriesForStore(ctx, storeId, {
      limit: 100,
      ...(cursor ? { cursor } : {}),
    })
    for (const entry of entries.items) {
      through ??= entry.id
      if (after && entry.id <= after) break walk
      if (entry.kind !== 'release' || !entry.refs.orderId) continue
      if (orderIds.length < MAX_COVERED_ORDERS) orderIds.push(entry.refs.orderId)
      else truncated = true
    }
    if (!entries.nextCursor) break
    cursor = entries.nextCursor
    if (page === MAX_COVERAGE_PAGES - 1) truncated = true
  }
  return {
    orderIds,
    truncated,
    ...(through ? { throughJournalId: through } : {}),
    ...(after ? { afterJournalId: after } : {}),
  }
}

/** What a store may be paid now: its available balance less what open disputes freeze. */
export async function payableOf(
  deps: Pick<PayoutsDeps, 'frozen'>,
  ctx: Ctx,
  storeId: string,
  available: number,
): Promise<{ payable: number; frozen: number }> {
  const frozen = (await deps.frozen?.frozenAmount(ctx, storeId, PAYOUT_CURRENCY)) ?? 0
  return { payable: available - frozen, frozen }
}
