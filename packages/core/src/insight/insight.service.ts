import type { ProductsService } from '../catalog/products.service.js'
import type { DisputesService } from '../disputes/disputes.service.js'
import type { FraudService } from '../fraud/fraud.service.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { RevenueFigures } from '../ledger/ledger.types.js'
import type { OrdersService } from '../orders/orders.service.js'
import { type Ctx, requireRole } from '../shared/ctx.js'
import { ValidationError } from '../shared/errors.js'
import type { Currency } from '../shared/money.js'
import { validateInput } from '../shared/validate.js'
import type { StoresService } from '../stores/store.service.js'
import {
  type DashboardQuery,
  dashboardQuery,
  type Granularity,
  MAX_REPORT_BUCKETS,
  type RevenueReportQuery,
  revenueReportQuery,
} from './insight.schemas.js'

export interface RevenueBucket extends RevenueFigures {
  /** The bucket's start (inclusive) and end (exclusive); the first and last are cut to the period. */
  start: string
  end: string
}

export interface RevenueReport {
  currency: Currency
  from: string
  to: string
  granularity: Granularity
  store?: string
  /** The sums of the buckets: the ledger's revenue summary of the whole period. */
  totals: RevenueFigures
  buckets: RevenueBucket[]
}

export interface PeriodFigures {
  from: string
  to: string
  revenue: RevenueFigures
  /** Commission over gross sales, in basis points (500 = 5%); 0 without sales. */
  takeRateBps: number
  /** Store orders placed in the period, by their status now. */
  ordersByStatus: Record<string, number>
  /** Buyers who placed an order in the period, and stores that received one. */
  activeBuyers: number
  activeSellers: number
}

export interface Dashboard {
  currency: Currency
  period: PeriodFigures
  /** The period of the same length just before. */
  previous: PeriodFigures
  /** Stores whose available balance reaches the payout minimum, and what they would be paid. */
  payoutsDue: { stores: number; amount: number }
  /** Waiting for an administrator now: stores to approve, products (and revisions) to review. */
  approvalsWaiting: { stores: number; products: number }
  /** Dispute cases still open now. */
  disputesOpen: number
  /** Fraud cases (flagged orders on hold) waiting for a decision now. */
  fraudCasesOpen: number
}

const DAY_MS = 86_400_000

/** The first calendar boundary (UTC) after `at`: the next midnight, Monday or first of a month. */
export function nextBoundary(at: Date, granularity: Granularity): Date {
  const y = at.getUTCFullYear()
  const m = at.getUTCMonth()
  const d = at.getUTCDate()
  if (granularity === 'month') return new Date(Date.UTC(y, m + 1, 1))
  const midnight = Date.UTC(y, m, d)
  if (granularity === 'day') return new Date(midnight + DAY_MS)
  const daysToMonday = ((8 - at.getUTCDay()) % 7 || 7) * DAY_MS
  return new Date(midnight + daysToMonday)
}

/** `[from, to)` cut at calendar boundaries. @throws ValidationError past MAX_REPORT_BUCKETS. */
export function bucketsOf(from: Date, to: Date, granularity: Granularity): [Date, Date][] {
  const buckets: [Date, Date][] = []
  for (let start = from; start < to; ) {
    const boundary = nextBoundary(start, granularity)
    const end = boundary < to ? boundary : to
    buckets.push([start, end])
    if (buckets.length > MAX_REPORT_BUCKETS) {
      throw new ValidationError('Too many buckets', {
        to: `at most ${MAX_REPORT_BUCKETS} ${granularity}s: shorten the period or use a coarser granularity`,
      })
    }
    start = end
  }
  return buckets
}

const zero = (): RevenueFigures => ({
  grossSales: 0,
  commission: 0,
  refunds: 0,
  payouts: 0,
  fees: 0,
  netRevenue: 0,
})

function add(into: RevenueFigures, figures: RevenueFigures): void {
  into.grossSales += figures.grossSales
  into.commission += figures.commission
  into.refunds += figures.refunds
  into.payouts += figures.payouts
  into.fees += figures.fees
  into.netRevenue += figures.netRevenue
}

/**
 * Administrators' insight: the revenue time series and the dashboard. Every money figure is
 * the ledger's own revenue summary (`LedgerService.revenueSummary`) over the bucket or period,
 * so a report and the ledger cannot disagree.
 */
export class InsightService {
  constructor(
    private deps: {
      ledger: LedgerService
      orders: OrdersService
      stores: Pick<StoresService, 'countPending'>
      products: Pick<ProductsService, 'countAwaitingReview'>
      disputes: Pick<DisputesService, 'countOpen'>
      fraud: Pick<FraudService, 'countOpenCases'>
      payoutMinimumKobo: number
    },
  ) {}

  /** Gross sales, commission, refunds and payouts per day, week or month of a period. */
  async revenueReport(ctx: Ctx, query: RevenueReportQuery): Promise<RevenueReport> {
    requireRole(ctx, 'admin')
    const q = validateInput(revenueReportQuery, query)
    const totals = zero()
    const buckets: RevenueBucket[] = []
    for (const [start, end] of bucketsOf(q.from, q.to, q.granularity)) {
      const figures = await this.revenueOf(ctx, start, end, q.currency, q.store)
      add(totals, figures)
      buckets.push({ start: start.toISOString(), end: end.toISOString(), ...figures })
    }
    return {
      currency: q.currency,
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      granularity: q.granularity,
      ...(q.store ? { store: q.store } : {}),
      totals,
      buckets,
    }
  }

  /** The period's revenue, take rate and orders beside the previous period's, and payouts due. */
  async dashboard(ctx: Ctx, query: DashboardQuery): Promise<Dashboard> {
    requireRole(ctx, 'admin')
    const q = validateInput(dashboardQuery, query)
    const length = q.to.getTime() - q.from.getTime()
    const previousFrom = new Date(q.from.getTime() - length)
    const available = await this.deps.ledger.availableBalances(ctx, q.currency)
    const due = available.filter((s) => s.available >= this.deps.payoutMinimumKobo)
    return {
      currency: q.currency,
      period: await this.periodOf(ctx, q.from, q.to, q.currency),
      previous: await this.periodOf(ctx, previousFrom, q.from, q.currency),
      payoutsDue: { stores: due.length, amount: due.reduce((sum, s) => sum + s.available, 0) },
      approvalsWaiting: {
        stores: await this.deps.stores.countPending(ctx),
        products: await this.deps.products.countAwaitingReview(ctx),
      },
      disputesOpen: await this.deps.disputes.countOpen(ctx),
      fraudCasesOpen: await this.deps.fraud.countOpenCases(ctx),
    }
  }

  private async periodOf(
    ctx: Ctx,
    from: Date,
    to: Date,
    currency: Currency,
  ): Promise<PeriodFigures> {
    const revenue = await this.revenueOf(ctx, from, to, currency)
    const active = await this.deps.orders.activeParties(ctx, { from, to })
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      revenue,
      takeRateBps:
        revenue.grossSales > 0 ? Math.round((revenue.commission * 10_000) / revenue.grossSales) : 0,
      ordersByStatus: await this.deps.orders.countByStatus(ctx, { from, to }),
      activeBuyers: active.buyers,
      activeSellers: active.sellers,
    }
  }

  private async revenueOf(
    ctx: Ctx,
    from: Date,
    to: Date,
    currency: Currency,
    store?: string,
  ): Promise<RevenueFigures> {
    const summary = await this.deps.ledger.revenueSummary(ctx, {
      from,
      to,
      currency,
      byStore: Boolean(store),
    })
    if (!store) return summary.totals
    const row = summary.stores?.find((s) => s.storeId === store)
    if (!row) return zero()
    const { storeId: _storeId, ...figures } = row
    return figures
  }
}

/** The report as CSV, one line per bucket then a total line; amounts in minor units (kobo). */
export function revenueReportCsv(report: RevenueReport): string {
  const header = 'start,end,currency,gross_sales,commission,refunds,payouts,fees,net_revenue'
  const line = (start: string, end: string, f: RevenueFigures) =>
    [
      start,
      end,
      report.currency,
      f.grossSales,
      f.commission,
      f.refunds,
      f.payouts,
      f.fees,
      f.netRevenue,
    ].join(',')
  return `${[
    header,
    ...report.buckets.map((b) => line(b.start, b.end, b)),
    line('total', '', report.totals),
  ].join('\r\n')}\r\n`
}
