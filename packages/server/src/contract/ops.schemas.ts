import {
  type Dashboard,
  GRANULARITIES,
  type IpBlockDTO,
  type OutboxMailDTO,
  type PeriodFigures,
  type RevenueFigures,
  type RevenueReport,
} from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, at, count, currency, id, kobo, pageOf } from './dto.schemas.js'

/*
 * What the operations routes answer with (issue 13: IP blocks, the mail outbox, the dashboard
 * and the revenue report), shaped like dto.schemas.ts: named components, examples on the fields
 * a reader needs, and a type check at the bottom against each core DTO.
 */

const strict = z.strictObject

export const ipBlockDTO = strict({
  id,
  cidr: z
    .string()
    .meta({ description: 'An address is stored as a /32 or /128', example: '203.0.113.0/24' }),
  reason: z.string().meta({ example: 'Credential stuffing from this range' }),
  createdBy: z.string().meta({ example: 'admin:6750a1f2c3d4e5f6a7b8c9d0' }),
  createdAt: at,
  expiresAt: at.optional(),
}).meta({ id: 'IpBlock' })

export const outboxMailDTO = strict({
  id,
  to: z.string().meta({ example: 'ada@example.com' }),
  subject: z.string().meta({ example: 'Your order has shipped' }),
  status: z.enum(['pending', 'sending', 'failed']),
  attempts: count.meta({ example: 5 }),
  nextAttemptAt: at,
  lastError: z.string().optional().meta({ example: '421 4.7.0 Try again later' }),
  createdAt: at,
}).meta({ id: 'OutboxMail' })

const figureFields = {
  grossSales: kobo.meta({
    description: 'What buyers paid for orders sold in the period (kobo)',
    example: 2500000,
  }),
  commission: kobo.meta({
    description: 'Commission earned, less commission reversed by refunds (kobo)',
    example: 125000,
  }),
  refunds: kobo.meta({ description: 'Refunds paid out to buyers (kobo)', example: 0 }),
  payouts: kobo.meta({ description: 'Transfers to sellers settled (kobo)', example: 2000000 }),
  fees: kobo.meta({
    description:
      'Paystack fees on the payments verified in the period (kobo); booked per payment, so 0 for one store',
    example: 47500,
  }),
  netRevenue: z.number().int().meta({
    description: 'Commission less Paystack fees (kobo); negative when fees exceed commission',
    example: 77500,
  }),
}
export const revenueFigures = strict(figureFields).meta({ id: 'RevenueFigures' })

export const revenueReport = strict({
  currency,
  from: at,
  to: at,
  granularity: z.enum(GRANULARITIES),
  store: id.optional(),
  totals: revenueFigures,
  buckets: z.array(
    strict({
      start: at,
      end: at,
      ...figureFields,
    }),
  ),
}).meta({ id: 'RevenueReport' })

/** The report as CSV (`Accept: text/csv`): a line per bucket, then the total line, in kobo. */
export const revenueReportCsvText = z
  .string()
  .regex(/^start,end,currency,gross_sales,commission,refunds,payouts,fees,net_revenue\r\n/)
  .meta({
    description: 'One line per bucket, then a `total` line; amounts in minor units (kobo)',
    example: [
      'start,end,currency,gross_sales,commission,refunds,payouts,fees,net_revenue',
      '2026-12-01T00:00:00.000Z,2026-12-02T00:00:00.000Z,NGN,2500000,125000,0,2000000,47500,77500',
      'total,,NGN,2500000,125000,0,2000000,47500,77500',
      '',
    ].join('\r\n'),
  })

export const periodFigures = strict({
  from: at,
  to: at,
  revenue: revenueFigures,
  takeRateBps: count.meta({
    description: 'Commission over gross sales in basis points; 0 without sales',
    example: 500,
  }),
  ordersByStatus: z.record(z.string(), count).meta({
    description: 'Store orders placed in the period, by their status now',
    example: { completed: 12, processing: 3 },
  }),
  activeBuyers: count.meta({
    description: 'Buyers who placed a store order in the period',
    example: 31,
  }),
  activeSellers: count.meta({
    description: 'Stores that received a store order in the period',
    example: 9,
  }),
}).meta({ id: 'PeriodFigures' })

export const dashboard = strict({
  currency,
  period: periodFigures,
  previous: periodFigures,
  payoutsDue: strict({
    stores: count.meta({ example: 4 }),
    amount: kobo,
  }).meta({ description: 'Stores whose available balance reaches the payout minimum' }),
  approvalsWaiting: strict({
    stores: count.meta({ example: 2 }),
    products: count.meta({ example: 7 }),
  }).meta({
    description: 'Now: stores waiting for approval, products (new or revised) waiting for review',
  }),
  disputesOpen: count.meta({ description: 'Now: dispute cases still open', example: 1 }),
  fraudCasesOpen: count.meta({
    description: 'Now: fraud cases (flagged orders on hold) waiting for a decision',
    example: 0,
  }),
}).meta({ id: 'Dashboard' })

export const ipBlocksBody = strict({ items: z.array(ipBlockDTO) })
export const ipBlockBody = strict({ block: ipBlockDTO })
export const outboxPage = pageOf(outboxMailDTO)
export const outboxMailBody = strict({ mail: outboxMailDTO })

export type OpsSchemasAgree = [
  Assert<Agrees<typeof ipBlockDTO, IpBlockDTO>>,
  Assert<Agrees<typeof outboxMailDTO, OutboxMailDTO>>,
  Assert<Agrees<typeof revenueFigures, RevenueFigures>>,
  Assert<Agrees<typeof revenueReport, RevenueReport>>,
  Assert<Agrees<typeof periodFigures, PeriodFigures>>,
  Assert<Agrees<typeof dashboard, Dashboard>>,
]
