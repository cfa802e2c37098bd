import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Ctx } from '@kloset/core'
import { aProductIn, aSellerWithStore, testWorldForSuite } from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import ProductsApprove from './products/approve.js'
import ProductsList from './products/list.js'
import ProductsReject from './products/reject.js'
import ProductsShow from './products/show.js'

let seller: Ctx
let storeId: string
const world = testWorldForSuite()
beforeAll(async () => {
  const made = await aSellerWithStore(world)
  seller = made.seller
  storeId = made.store.id
})

type Result<T> = { status: 'ok'; result: T }

describe('kloset products list', () => {
  it('lists the review queue of a store as JSON', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    await aProductIn(world, seller, 'draft')
    const run = await runCommand(world, ProductsList, [
      '--status',
      'pending_review',
      '--store',
      storeId,
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    const { result } = run.json as unknown as Result<{ items: { id: string; status: string }[] }>
    expect(result.items.map((p) => p.id)).toEqual([product.id])
  })

  it('lists products with a pending revision under --revision', async () => {
    const other = await aSellerWithStore(world)
    const { product } = await aProductIn(world, other.seller, 'approved')
    await world.core.products.update(other.seller, product.id, { title: 'Renamed' })
    const run = await runCommand(world, ProductsList, [
      '--revision',
      '--store',
      other.store.id,
      '--json',
    ])
    const { result } = run.json as unknown as Result<{ items: { id: string }[] }>
    expect(result.items.map((p) => p.id)).toEqual([product.id])
  })

  it('prints a table with prices for people', async () => {
    await aProductIn(world, seller, 'pending_review')
    const run = await runCommand(world, ProductsList, ['--status', 'pending_review'])
    expect(run.stdout).toMatch(/│ title/)
    expect(run.stdout).toContain('₦15,000.00')
  })
})

describe('kloset products show', () => {
  it('shows a product with its variants', async () => {
    const { product, variant } = await aProductIn(world, seller, 'draft')
    const run = await runCommand(world, ProductsShow, [product.id, '--json'])
    expect(run.json).toMatchObject({
      status: 'ok',
      result: { product: { id: product.id, variants: [{ id: variant.id, price: 1_500_000 }] } },
    })
  })

  it('answers an unknown product with not_found and exit code 5', async () => {
    const run = await runCommand(world, ProductsShow, ['0123456789abcdef01234567', '--json'])
    expect(run.exitCode).toBe(5)
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'not_found' } })
  })
})

describe('kloset products approve and reject', () => {
  it('approves a product under review and audits the operator', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    const run = await runCommand(world, ProductsApprove, [product.id, '--json'])
    expect(run.json).toMatchObject({ status: 'ok', result: { product: { status: 'approved' } } })
    const audit = await world.core.audit.listFor(
      { actor: { kind: 'admin-cli', id: 'cli:t', osUser: 't' }, now: new Date(), requestId: 't' },
      { type: 'product', id: product.id },
    )
    expect(audit[0]?.actor).toMatch(/^admin-cli:cli:/)
  })

  it('approves a pending revision with --revision', async () => {
    const { product } = await aProductIn(world, seller, 'approved')
    await world.core.products.update(seller, product.id, { title: 'Ankara wrap dress, maxi' })
    const run = await runCommand(world, ProductsApprove, [product.id, '--revision', '--json'])
    expect(run.json).toMatchObject({
      status: 'ok',
      result: { product: { title: 'Ankara wrap dress, maxi' } },
    })
  })

  it('rejects with a reason', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    const run = await runCommand(world, ProductsReject, [
      product.id,
      '--reason',
      'counterfeit logo',
      '--json',
    ])
    expect(run.json).toMatchObject({
      status: 'ok',
      result: { product: { status: 'rejected', statusReason: 'counterfeit logo' } },
    })
  })

  it('rejects a revision and keeps the live title', async () => {
    const { product } = await aProductIn(world, seller, 'approved')
    await world.core.products.update(seller, product.id, { title: 'Best dress in Lagos!!!' })
    const run = await runCommand(world, ProductsReject, [
      product.id,
      '--revision',
      '--reason',
      'no superlatives',
      '--json',
    ])
    expect(run.json).toMatchObject({
      status: 'ok',
      result: {
        product: { title: 'Ankara wrap dress', revisionRejection: { reason: 'no superlatives' } },
      },
    })
  })

  it('requires a reason to reject', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    const run = await runCommand(world, ProductsReject, [product.id, '--json'])
    expect(run.exitCode).toBe(2)
  })

  it('refuses to approve a draft with exit code 6', async () => {
    const { product } = await aProductIn(world, seller, 'draft')
    const run = await runCommand(world, ProductsApprove, [product.id, '--json'])
    expect(run.exitCode).toBe(6)
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'invalid_transition' } })
  })
})
