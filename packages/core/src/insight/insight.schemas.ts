import { z } from 'zod'
import { CURRENCIES } from '../shared/money.js'

export const GRANULARITIES = ['day', 'week', 'month'] as const
export type Granularity = (typeof GRANULARITIES)[number]

/** The most buckets one report returns (a year by day). */
export const MAX_REPORT_BUCKETS = 366

const period = {
  /** Start, inclusive: a date (UTC midnight) or an ISO time. */
  from: z.coerce.date(),
  /** End, exclusive. */
  to: z.coerce.date(),
  currency: z.enum(CURRENCIES).default('NGN'),
}
const ordered = (q: { from: Date; to: Date }) => q.from < q.to

/** A revenue time series: `[from, to)` cut into UTC days, ISO weeks (from Monday) or months. */
export const revenueReportQuery = z
  .strictObject({
    ...period,
    granularity: z.enum(GRANULARITIES).default('day'),
    /** Only this store's figures. */
    store: z
      .string()
      .regex(/^[0-9a-f]{24}$/, 'must be a store id')
      .optional(),
  })
  .refine(ordered, { message: 'must be after from', path: ['to'] })
export type RevenueReportQuery = z.input<typeof revenueReportQuery>

/** The dashboard's period; the previous period of the same length is shown beside it. */
export const dashboardQuery = z
  .strictObject(period)
  .refine(ordered, { message: 'must be after from', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= 366 * 86_400_000, {
    message: 'a period of at most 366 days',
    path: ['to'],
  })
export type DashboardQuery = z.input<typeof dashboardQuery>
