import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { loadConfig } from './config.js'

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kloset-config-'))
})
afterEach(() => rm(dataDir, { recursive: true, force: true }))

describe('order timers', () => {
  it('defaults to a 30-minute reservation, delivery after 14 days and a 7-day return window', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).orders).toEqual({
      reservationMinutes: 30,
      autoDeliverDays: 14,
      returnWindowDays: 7,
    })
  })

  it('reads ORDER_RESERVATION_MINUTES, ORDER_AUTO_DELIVER_DAYS and ORDER_RETURN_WINDOW_DAYS', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      ORDER_RESERVATION_MINUTES: '45',
      ORDER_AUTO_DELIVER_DAYS: '10',
      ORDER_RETURN_WINDOW_DAYS: '0',
    })
    expect(config.orders).toEqual({
      reservationMinutes: 45,
      autoDeliverDays: 10,
      returnWindowDays: 0,
    })
  })

  it('treats an empty ORDER_RESERVATION_MINUTES as unset', () => {
    const config = loadConfig({ DATA_DIR: dataDir, ORDER_RESERVATION_MINUTES: '' })
    expect(config.orders.reservationMinutes).toBe(30)
  })

  it('refuses a reservation longer than a day, which stock cannot be held for', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, ORDER_RESERVATION_MINUTES: '1441' })).toThrow(
      /ORDER_RESERVATION_MINUTES: /,
    )
  })

  it('refuses a fractional number of days', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, ORDER_AUTO_DELIVER_DAYS: '1.5' })).toThrow(
      /ORDER_AUTO_DELIVER_DAYS: /,
    )
  })
})

describe('WebSocket origins', () => {
  it('allows any origin when WS_ALLOWED_ORIGINS is unset', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).realtime).toEqual({})
  })

  it('reads WS_ALLOWED_ORIGINS as a comma-separated list', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      WS_ALLOWED_ORIGINS: 'https://shop.example.com, http://localhost:5173',
    })
    expect(config.realtime.allowedOrigins).toEqual([
      'https://shop.example.com',
      'http://localhost:5173',
    ])
  })

  it('refuses an origin with a path, which a browser never sends', () => {
    expect(() =>
      loadConfig({ DATA_DIR: dataDir, WS_ALLOWED_ORIGINS: 'https://shop.example.com/app' }),
    ).toThrow(/WS_ALLOWED_ORIGINS: /)
  })
})
