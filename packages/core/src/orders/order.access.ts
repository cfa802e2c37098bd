import { type Ctx, isAdmin, requireRole, requireUser } from '../shared/ctx.js'
import { AppError } from '../shared/errors.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import type { OrderDoc } from './order.model.js'
import { orderNotFound } from './order.records.js'
import type { ListOrdersQuery } from './order.schemas.js'
import type { OrderActor } from './order.types.js'
import type { OrdersDeps } from './orders.service.js'

/** Who sees an order: its buyer, its store's seller, administrators; others get 404. */
export type Viewer = { as: 'buyer' | 'seller'; id: string } | { as: 'admin' }

/** The column of the transition table the viewer is. */
export const actorOf = (viewer: Viewer): OrderActor => viewer.as

/** Who sees an order (its buyer, its store's seller, administrators) and the scoped pages. */
export class OrderAccess {
  constructor(private deps: Pick<OrdersDeps, 'records' | 'stores'>) {}

  async viewer(ctx: Ctx, as: 'buyer' | 'seller'): Promise<Viewer> {
    if (isAdmin(ctx)) return { as: 'admin' }
    if (as === 'seller') {
      requireRole(ctx, 'seller')
      return { as, id: (await this.deps.stores.requireOwnStore(ctx)).id }
    }
    return { as, id: requireUser(ctx) }
  }

  /** The order if the viewer may see it; everyone else gets NotFoundError, never Forbidden. */
  async visible(ctx: Ctx, orderId: string, viewer: Viewer): Promise<OrderDoc> {
    const order = await this.deps.records.get(orderId)
    this.assertVisible(ctx, order, viewer)
    return order
  }

  /** Throws NotFoundError unless the viewer may see the order (already read). */
  assertVisible(ctx: Ctx, order: OrderDoc, viewer: Viewer): void {
    if (viewer.as === 'buyer' && order.buyerId !== viewer.id) throw orderNotFound()
    if (viewer.as === 'seller' && order.storeId !== viewer.id) throw orderNotFound()
    if (viewer.as === 'admin' && !isAdmin(ctx)) throw orderNotFound()
  }

  /** The order if the caller is its buyer, its store's seller or an administrator. */
  async visibleToAnyViewer(ctx: Ctx, orderId: string): Promise<OrderDoc> {
    if (isAdmin(ctx)) return this.deps.records.get(orderId)
    const userId = requireUser(ctx)
    const order = await this.deps.records.get(orderId)
    if (order.buyerId === userId) return order
    if (ctx.actor.kind === 'user' && ctx.actor.role === 'seller') {
      // A seller without a store is simply not this order's seller; other failures propagate.
      const store = await this.deps.stores.requireOwnStore(ctx).catch((error: unknown) => {
        if (error instanceof AppError && error.kind === 'not_found') return undefined
        throw error
      })
      if (store?.id === order.storeId) return order
    }
    throw orderNotFound()
  }

  async page<T>(
    scope: Record<string, unknown>,
    query: ListOrdersQuery,
    map: (doc: OrderDoc) => T,
  ): Promise<Page<T>> {
    const filter: Record<string, unknown> = { ...scope }
    if (query.status) filter.status = query.status
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.records.orders
      .find(filter)
      .select(NOT_LISTED)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, map, idCursorOf)
  }
}

/**
 * What no order list shows, left in the engine: the tracking checkpoints (a list shows the
 * shipment, the tracking route the checkpoints) and the events waiting in the outbox.
 */
const NOT_LISTED = { tracking: 0, outbox: 0 } as const
