import type { InventoryService } from '../catalog/inventory.service.js'
import { op } from '../db/query.js'
import { type Ctx, requireAdminOrSystem, systemCtx } from '../shared/ctx.js'
import { AppError, type ErrorKind } from '../shared/errors.js'
import type { Logger } from '../shared/logger.js'
import type { OrderDoc } from './order.model.js'
import type { OrderRecords } from './order.records.js'
import type { RefundDoc, RefundModel } from './refund.model.js'

/** How long a processed refund's restock may stay pending before the job takes it over. */
const RESTOCK_RETRY_AFTER_MS = 60_000

const FINAL_RESTOCK_ERRORS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'not_found',
  'conflict',
  'validation',
  'forbidden',
])

/**
 * The restock of a processed refund's lines (refunds.service.ts): keyed per variant, tracked by
 * the refund's `restockState` (pending -> done), finished by `retry-pending-restocks` after a
 * crash part-way.
 */
export class RefundRestocks {
  constructor(
    private deps: {
      records: OrderRecords
      refunds: RefundModel
      inventory: Pick<InventoryService, 'restock'>
      logger: Logger
    },
  ) {}

  /**
   * The timed job (`retry-pending-restocks`): restocks again the processed refunds whose
   * `restockState` is still `pending` a minute after processing (a crash or an error part-way).
   * Safe to run any number of times: each line's restock is keyed.
   */
  async retryPendingRestocks(
    ctx: Ctx,
    batch = 100,
  ): Promise<{ retried: number; done: number; pending: number }> {
    requireAdminOrSystem(ctx)
    const system = systemCtx('retry-pending-restocks', ctx.now)
    const due = await this.deps.refunds
      .find({
        status: 'processed',
        restockState: 'pending',
        processedAt: op({ $lte: new Date(ctx.now.getTime() - RESTOCK_RETRY_AFTER_MS) }),
      })
      .sort({ processedAt: 1 })
      .limit(batch)
      .lean()
    let done = 0
    for (const refund of due) {
      try {
        const order = await this.deps.records.get(refund.orderId)
        if (await this.restockLines(system, refund, order)) done++
      } catch (error) {
        this.deps.logger.error(
          { err: error, refundId: String(refund._id) },
          'restock retry failed; it stays pending',
        )
      }
    }
    return { retried: due.length, done, pending: due.length - done }
  }

  /**
   * Gives the order's lines back to stock under one key per variant
   * (`refund:<refundId>:<variantId>`), so a repeat after a crash or a replay restocks nothing
   * twice, then moves `restockState` pending -> done (compare-and-set). A line that fails for a
   * passing reason leaves the refund pending for the retry job; true when every line answered.
   */
  async restockLines(ctx: Ctx, refund: RefundDoc, order: OrderDoc): Promise<boolean> {
    const refundId = String(refund._id)
    // One key per variant, so lines of the same variant are summed first.
    const quantities = new Map<string, number>()
    for (const line of order.lines)
      quantities.set(line.variantId, (quantities.get(line.variantId) ?? 0) + line.quantity)
    let complete = true
    for (const [variantId, quantity] of quantities) {
      try {
        await this.deps.inventory.restock(ctx, {
          variantId,
          quantity,
          key: `refund:${refundId}:${variantId}`,
          reason: 'refund',
          refs: { orderGroupId: order.groupId },
        })
      } catch (error) {
        // The catalog's own refusals (variant gone, key used for another restock) will not
        // change on a retry; anything else (the database, the process) may.
        const final = error instanceof AppError && FINAL_RESTOCK_ERRORS.has(error.kind)
        if (!final) complete = false
        this.deps.logger.error(
          { err: error, variantId, refundId },
          final
            ? 'restock after refund refused; recount the variant'
            : 'restock after refund failed; the retry job will try again',
        )
      }
    }
    if (!complete) return false
    await this.deps.refunds.updateOne(
      { _id: refund._id, restockState: 'pending' },
      { $set: { restockState: 'done' } },
    )
    return true
  }
}
