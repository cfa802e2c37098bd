import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'

/**
 * `open` until an administrator resolves it; `auto_cleared` when a later run no longer finds the
 * mismatch (and `open` again if one does); `resolved` is final: a later run that sees the same
 * mismatch only updates `lastSeenAt`.
 */
export const RECONCILE_ITEM_STATUSES = ['open', 'resolved', 'auto_cleared'] as const
export type ReconcileItemStatus = (typeof RECONCILE_ITEM_STATUSES)[number]

/** The reconcile items, newest first, by status. */
export const listReconcileItemsQuery = pageQuery.extend({
  status: z.enum(RECONCILE_ITEM_STATUSES).optional(),
})
export type ListReconcileItemsQuery = z.input<typeof listReconcileItemsQuery>

/** What the administrator did about the mismatch (a refund, an adjustment, "known, accepted"). */
export const resolveReconcileItemBody = z.strictObject({
  reason: z.string().trim().min(3).max(500),
})
export type ResolveReconcileItemBody = z.infer<typeof resolveReconcileItemBody>
