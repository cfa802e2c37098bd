import { beforeAll, describe, expect, it } from '@jest/globals'
import type { DoctorReport } from '@kloset/core'
import { aPaidOrder, createTestWorld, paystackWorldForSuite } from '@kloset/core/testing'
import { resultOf, runCommand } from '../test-support/run-command.js'
import Doctor from './doctor.js'
import OrdersList from './orders/list.js'
import StoresList from './stores/list.js'

/** The CLI as a daily tool: names instead of ids, chosen columns, sorting, CSV, `doctor`. */
let paid: Awaited<ReturnType<typeof aPaidOrder>>
const { pw } = paystackWorldForSuite()
beforeAll(async () => {
  paid = await aPaidOrder(pw)
  await aPaidOrder(pw)
})

describe('lists', () => {
  it('print the chosen columns as CSV, sorted', async () => {
    const run = await runCommand(pw.world, StoresList, [
      '--columns',
      'slug,status',
      '--sort',
      '-slug',
      '--csv',
    ])
    expect(run.exitCode).toBe(0)
    const [header, ...rows] = run.stdout.trim().split('\n')
    expect(header).toBe('slug,status')
    expect(rows.length).toBeGreaterThanOrEqual(2)
    const slugs = rows.map((row) => row.split(',')[0]!)
    expect(slugs).toEqual([...slugs].sort().reverse())
    expect(rows.every((row) => row.endsWith(',approved'))).toBe(true)
  })

  it('show the store slug and the buyer email of an order, not their ids', async () => {
    const run = await runCommand(pw.world, OrdersList, [
      '--columns',
      'id,store,buyer,total',
      '--csv',
    ])
    expect(run.exitCode).toBe(0)
    const line = run.stdout.split('\n').find((l) => l.startsWith(paid.order.id))
    expect(line).toBe(
      `${paid.order.id},${paid.store.store.slug},${paid.buyer.email},${(paid.order.total / 100).toFixed(2)}`,
    )
  })

  it('refuse an unknown column, naming the ones there are', async () => {
    const run = await runCommand(pw.world, StoresList, ['--columns', 'slug,colour', '--json'])
    expect(run.exitCode).toBe(3)
    expect(run.json?.error?.code).toBe('unknown_column')
    expect(JSON.stringify(run.json)).toContain('choose from slug, name')
  })
})

describe('kloset doctor', () => {
  it('finds every dependency of a working setup answering', async () => {
    const run = await runCommand(pw.world, Doctor, ['--json'])
    const report = resultOf<DoctorReport>(run)
    expect(run.exitCode).toBe(0)
    expect(report.checks.map((c) => c.name)).toEqual([
      'configuration',
      'database',
      'redis',
      'smtp',
      'paystack',
      'cloudinary',
      'clock',
      'scheduler locks',
    ])
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]))
    expect(byName.paystack).toMatchObject({ status: 'ok' })
    expect(byName.paystack!.detail).toContain('test key accepted')
    expect(byName.smtp!.status).toBe('ok')
    expect(byName.clock!.detail).toContain("of Paystack's clock")
  })

  it('fails, exits 9 and says what to fix when SMTP and Paystack do not answer', async () => {
    const world = await createTestWorld()
    await world.smtp.stop()
    try {
      const run = await runCommand(world, Doctor, ['--json'])
      expect(run.exitCode).toBe(9)
      const report = resultOf<DoctorReport>(run)
      expect(report.ok).toBe(false)
      const smtp = report.checks.find((c) => c.name === 'smtp')!
      expect(smtp.status).toBe('fail')
      expect(smtp.fix).toContain('SMTP_URL')
      expect(report.checks.find((c) => c.name === 'paystack')!.status).toBe('fail')
    } finally {
      await world.close().catch(() => {})
    }
  }, 30_000)
})
