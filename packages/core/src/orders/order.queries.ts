import { op } from '../db/query.js'
import { type Ctx, requireAdminOrSystem, requireRole } from '../shared/ctx.js'
import type { Page } from '../shared/paging.js'
import { type ResealReport, resealAddresses } from './address.cipher.js'
import type { OrderAccess } from './order.access.js'
import { paymentReferenceOf, toAdminOrderDTO, toOrderGroupDTO, toRefundDTO } from './order.dto.js'
import type { AdminOrdersQuery } from './order.schemas.js'
import { nextMoves } from './order.transitions.js'
import type { AdminOrderDTO, OrderExplanation } from './order.types.js'
import type { OrdersDeps } from './orders.service.js'

const DAY_MS = 24 * 3600 * 1000

/**
 * The administrators' reads of orders: lists, one order, counts and paid groups for
 * reconciliation, `kloset orders explain`, and the resealing of addresses under a new key.
 */
export class OrderQueries {
  constructor(
    private deps: OrdersDeps,
    private access: OrderAccess,
  ) {}

  /**
   * Every order, by status and store; administrators. The payment reference is derived from the
   * group id (what checkout names it), so a page reads no order groups.
   */
  async list(ctx: Ctx, query: AdminOrdersQuery): Promise<Page<AdminOrderDTO>> {
    requireRole(ctx, 'admin')
    const filter: Record<string, unknown> = {}
    if (query.store) filter.storeId = query.store
    return this.access.page(filter, query, (o) =>
      toAdminOrderDTO(o, { reference: paymentReferenceOf(o.groupId) }),
    )
  }

  /**
   * Seals every order's and order group's shipping address under the current encryption key
   * (`kloset keys rotate`), in batches, beside a live server. Administrators only.
   */
  async resealAddresses(
    ctx: Ctx,
    options: { batchSize?: number; dryRun?: boolean } = {},
  ): Promise<ResealReport> {
    requireRole(ctx, 'admin')
    const { orders, groups } = this.deps.records
    return resealAddresses(
      [orders as never, groups as never],
      options.batchSize ?? 200,
      options.dryRun ?? false,
    )
  }

  /**
   * Buyers who placed a store order in `[from, to)`, and stores that received one; administrators.
   */
  async activeParties(
    ctx: Ctx,
    range: { from: Date; to: Date },
  ): Promise<{ buyers: number; sellers: number }> {
    requireRole(ctx, 'admin')
    const placed = { createdAt: op({ $gte: range.from, $lt: range.to }) }
    const { orders } = this.deps.records
    const [buyers, sellers] = await Promise.all([
      orders.distinct('buyerId', placed),
      orders.distinct('storeId', placed),
    ])
    return { buyers: buyers.length, sellers: sellers.length }
  }

  /** How many store orders placed in `[from, to)` are in each status now; administrators. */
  async countByStatus(ctx: Ctx, range: { from: Date; to: Date }): Promise<Record<string, number>> {
    requireRole(ctx, 'admin')
    const rows = await this.deps.records.orders.aggregate<{ _id: string; count: number }>([
      { $match: { createdAt: { $gte: range.from, $lt: range.to } } },
      { $group: { _id: '$status', count: { $sum: 1 } } },
    ])
    return Object.fromEntries(rows.map((row) => [row._id, row.count]))
  }

  /**
   * Order groups marked paid in `[from, to)`, or the one with this payment reference, for
   * reconciliation against Paystack; administrators and jobs.
   */
  async paidGroups(
    ctx: Ctx,
    range: { from: Date; to: Date } | { reference: string },
  ): Promise<
    {
      reference: string
      status: string
      total: number
      currency: string
      orderIds: string[]
      paidAt?: string
    }[]
  > {
    requireAdminOrSystem(ctx)
    const filter: Record<string, unknown> =
      'reference' in range
        ? { reference: range.reference }
        : { status: 'paid', paidAt: op({ $gte: range.from, $lt: range.to }) }
    const groups = await this.deps.records.groups.find(filter).lean()
    return groups.map((g) => ({
      reference: g.reference,
      total: g.total,
      currency: g.currency,
      orderIds: g.orderIds,
      ...(g.paidAt ? { paidAt: g.paidAt.toISOString() } : {}),
      status: g.status,
    }))
  }

  /** One order with its payment side; administrators. @throws NotFoundError */
  async get(ctx: Ctx, orderId: string): Promise<AdminOrderDTO> {
    requireAdminOrSystem(ctx)
    const order = await this.deps.records.get(orderId)
    return toAdminOrderDTO(order, await this.deps.records.groupOf(order))
  }

  /** The store orders paid by one Paystack transaction (a chargeback names only that). */
  async forPaymentReference(ctx: Ctx, reference: string): Promise<AdminOrderDTO[]> {
    requireAdminOrSystem(ctx)
    const group = await this.deps.records.groups.findOne({ reference }).lean()
    if (!group) return []
    const orders = await this.deps.records.orders.find({ groupId: String(group._id) }).lean()
    return orders.map((o) => toAdminOrderDTO(o, group))
  }

  /**
   * `kloset orders explain`: the order, its group, who may move it where next (from the
   * transition table), its pending timers and its refunds. Administrators.
   */
  async explain(ctx: Ctx, orderId: string): Promise<OrderExplanation> {
    requireRole(ctx, 'admin')
    const order = await this.deps.records.get(orderId)
    const group = await this.deps.records.groupOf(order)
    const { timers } = this.deps
    const at: OrderExplanation['timers'] = []
    if (order.status === 'pending' && group.status !== 'cancelled') {
      at.push({
        name: 'payment expiry',
        at: group.expiresAt.toISOString(),
        note: 'unpaid: cancelled and the stock released (expire-unpaid-orders)',
      })
    }
    if (order.status === 'shipped' && order.shipment) {
      at.push({
        name: 'auto-deliver',
        at: new Date(
          order.shipment.shippedAt.getTime() + timers.autoDeliverAfterDays * DAY_MS,
        ).toISOString(),
        note: 'counted as delivered unless disputed (auto-deliver-shipped-orders)',
      })
    }
    if (order.status === 'delivered' && order.deliveredAt) {
      at.push({
        name: 'completion',
        at: new Date(order.deliveredAt.getTime() + timers.returnWindowDays * DAY_MS).toISOString(),
        note: 'return window ends: completed and the seller share released (complete-delivered-orders)',
      })
    }
    return {
      order: toAdminOrderDTO(order, group),
      orderGroup: toOrderGroupDTO(group),
      next: nextMoves(order.status),
      timers: at,
      refunds: (await this.deps.refunds.forOrder(String(order._id))).map(toRefundDTO),
    }
  }
}
