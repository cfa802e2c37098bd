/** Where the core reads the time from, so tests can fix it and timers can be driven. */
export interface Clock {
  now(): Date
}

/**
 * The marketplace's time zone, the one definition: jobs' cron schedules, payout periods (ISO
 * weeks) and the dates in payout mail are read in it.
 */
export const MARKETPLACE_TIMEZONE = 'Africa/Lagos'

export const systemClock: Clock = { now: () => new Date() }

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  private current: number
  constructor(start: Date | string = '2026-11-25T09:00:00Z') {
    this.current = new Date(start).getTime()
  }
  now(): Date {
    return new Date(this.current)
  }
  advance(ms: number): void {
    this.current += ms
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime()
  }
}
