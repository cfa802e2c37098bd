export {
  type DashboardQuery,
  dashboardQuery,
  GRANULARITIES,
  type Granularity,
  MAX_REPORT_BUCKETS,
  type RevenueReportQuery,
  revenueReportQuery,
} from './insight.schemas.js'
export {
  bucketsOf,
  type Dashboard,
  InsightService,
  nextBoundary,
  type PeriodFigures,
  type RevenueBucket,
  type RevenueReport,
  revenueReportCsv,
} from './insight.service.js'
