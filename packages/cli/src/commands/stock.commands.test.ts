import { describe, expect, it } from '@jest/globals'
import type { VariantRecount } from '@kloset/core'
import { anInterruptedRestock, aStoreSelling, testWorldForSuite } from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import StockRecount from './stock/recount.js'

const world = testWorldForSuite()

describe('kloset stock recount', () => {
  it('restores the units of a restock a crash left unconfirmed, once', async () => {
    const { variant } = await aStoreSelling(world, { price: 500_000, stock: 2 })
    await anInterruptedRestock(world, variant.id, 4)
    const first = await runCommand(world, StockRecount, ['--all', '--json'])
    const result = first.json?.result as { variants: VariantRecount[] }
    expect(result.variants).toContainEqual(
      expect.objectContaining({
        variantId: variant.id,
        stockBefore: 2,
        stockAfter: 6,
        restored: 1,
      }),
    )
    const again = await runCommand(world, StockRecount, ['--variant', variant.id, '--json'])
    expect(again.json?.result).toMatchObject({
      variants: [{ stockBefore: 6, stockAfter: 6, restored: 0, confirmed: 0 }],
    })
  })

  it('asks for --variant or --all', async () => {
    const run = await runCommand(world, StockRecount, ['--json'])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'validation_failed' } })
  })
})
