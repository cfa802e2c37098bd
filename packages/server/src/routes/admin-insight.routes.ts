import { dashboardQuery, revenueReportCsv, revenueReportQuery } from '@kloset/core'
import { dashboard, revenueReport, revenueReportCsvText } from '../contract/ops.schemas.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: insight'

export const adminInsightRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/dashboard',
    auth: ['admin'],
    tag,
    summary:
      'GMV, commission, take rate, refunds, payouts and orders by status for a period and the one before; payouts due',
    query: dashboardQuery,
    response: dashboard,
    responses: { 200: 'Dashboard', 400: 'Invalid period', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.insight.dashboard(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/reports/revenue',
    auth: ['admin'],
    tag,
    summary:
      'Gross sales, commission, refunds and payouts per day, week or month (CSV with Accept: text/csv)',
    query: revenueReportQuery,
    response: revenueReport,
    alsoAnswers: { 'text/csv': revenueReportCsvText },
    responses: {
      200: '{ currency, from, to, granularity, store?, totals, buckets }, or text/csv',
      400: 'Invalid period or too many buckets',
      403: 'Not an administrator',
    },
    handler: async (req, { core, ctx, input }) => {
      const report = await core.insight.revenueReport(ctx, input.query)
      if (!(req.headers.get('accept') ?? '').includes('text/csv')) return json(report)
      return new Response(revenueReportCsv(report), {
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="revenue-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv"`,
        },
      })
    },
  }),
]
