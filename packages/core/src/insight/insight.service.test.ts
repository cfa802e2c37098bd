import { describe, expect, it } from '@jest/globals'
import { bucketsOf } from './insight.service.js'

const d = (iso: string) => new Date(iso)
const starts = (buckets: [Date, Date][]) => buckets.map(([s]) => s.toISOString().slice(0, 10))

describe('bucketsOf', () => {
  it('cuts weeks at Mondays, the first and last cut to the period', () => {
    // 2026-12-02 is a Wednesday.
    const buckets = bucketsOf(d('2026-12-02'), d('2026-12-16'), 'week')
    expect(starts(buckets)).toEqual(['2026-12-02', '2026-12-07', '2026-12-14'])
    expect(buckets.at(-1)![1].toISOString()).toBe('2026-12-16T00:00:00.000Z')
  })

  it('cuts months at the first of the month, across a year end', () => {
    expect(starts(bucketsOf(d('2026-11-15'), d('2027-02-01'), 'month'))).toEqual([
      '2026-11-15',
      '2026-12-01',
      '2027-01-01',
    ])
  })

  it('starts a week on the Monday itself when the period starts on one', () => {
    expect(starts(bucketsOf(d('2026-12-07'), d('2026-12-15'), 'week'))).toEqual([
      '2026-12-07',
      '2026-12-14',
    ])
  })

  it('refuses more than 366 buckets', () => {
    expect(() => bucketsOf(d('2020-01-01'), d('2022-01-01'), 'day')).toThrow('Too many buckets')
  })
})
