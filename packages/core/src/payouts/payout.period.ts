import { CronExpressionParser } from 'cron-parser'
import { MARKETPLACE_TIMEZONE } from '../shared/clock.js'

/*
 * Payout periods are ISO weeks (`2026-W48`) read in the marketplace's time zone, and the weekly
 * run is Monday 09:00 there. Pure functions over instants, so tests can pin any moment.
 */

/** The weekly run: Mondays at 09:00 in MARKETPLACE_TIMEZONE (the `weekly-payouts` job's schedule). */
export const PAYOUT_SCHEDULE = '0 9 * * 1'

/** `2026-W48`: a four-digit ISO week-numbering year and a two-digit week. */
export const PERIOD_PATTERN = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/

const DAY_MS = 24 * 3600 * 1000

interface WallTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

/** The calendar date and time an instant shows on a clock in `timeZone`. */
function wallTimeOf(at: Date, timeZone: string): WallTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at)
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value ?? 0)
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  }
}

/** ISO week-numbering year and week of a calendar date (given as UTC midnight of that date). */
function isoWeekOfDate(date: Date): { year: number; week: number } {
  const weekday = date.getUTCDay() || 7
  // The Thursday of the same week decides the year.
  const thursday = new Date(date.getTime() + (4 - weekday) * DAY_MS)
  const year = thursday.getUTCFullYear()
  const week = Math.ceil(((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS + 1) / 7)
  return { year, week }
}

const formatPeriod = ({ year, week }: { year: number; week: number }) =>
  `${year}-W${String(week).padStart(2, '0')}`

/** The payout period (ISO week, in MARKETPLACE_TIMEZONE) an instant falls in. */
export function periodOf(at: Date, timeZone = MARKETPLACE_TIMEZONE): string {
  const wall = wallTimeOf(at, timeZone)
  return formatPeriod(isoWeekOfDate(new Date(Date.UTC(wall.year, wall.month - 1, wall.day))))
}

/** True for a well-formed period whose week exists (week 53 only in long ISO years). */
export function isValidPeriod(period: string): boolean {
  const match = PERIOD_PATTERN.exec(period)
  if (!match) return false
  const year = Number(match[1])
  const week = Number(match[2])
  // 28 December always lies in the last ISO week of its year.
  return week <= isoWeekOfDate(new Date(Date.UTC(year, 11, 28))).week
}

/** Orders periods: negative when `a` comes first. Both must be valid periods. */
export const comparePeriods = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The first weekly run at or after `from`: when a held or waiting seller can expect the next
 * payout. Read from PAYOUT_SCHEDULE itself (by cron-parser, the job's own expression), so the
 * schedule and this answer cannot disagree.
 */
export function nextPayoutRun(from: Date, timeZone = MARKETPLACE_TIMEZONE): Date {
  return CronExpressionParser.parse(PAYOUT_SCHEDULE, {
    // `next()` is strictly after its start: one millisecond earlier makes it "at or after".
    currentDate: new Date(from.getTime() - 1),
    tz: timeZone,
  })
    .next()
    .toDate()
}

/**
 * The deterministic Paystack transfer reference of a payout attempt: `po_<storeId>_<period>`
 * lower-cased (36 characters), `_r<n>` from the second attempt on. Re-running or resuming an
 * attempt always sends the same reference, and Paystack refuses a reference twice.
 */
export function transferReferenceOf(storeId: string, period: string, attempt: number): string {
  const base = `po_${storeId}_${period}`.toLowerCase()
  return attempt > 1 ? `${base}_r${attempt}` : base
}
