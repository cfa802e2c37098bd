import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { CatalogProductDTO } from '../catalog/public-catalog.types.js'
import type { Ctx } from '../shared/ctx.js'
import { aProductIn, aSellerWithStore } from '../test-support/catalog-builders.js'
import { adminCliCtx, anonCtx } from '../test-support/harness.js'
import {
  aBuyer,
  aCheckout,
  aStoreSelling,
  aVariantOf,
  createPaystackWorld,
  type PaystackWorld,
  payOnCheckoutPage,
} from '../test-support/order-builders.js'

type Served = { source?: string; items: { product: CatalogProductDTO; reason: string }[] }

let pw: PaystackWorld
let shopA: Awaited<ReturnType<typeof aStoreSelling>>
let shopB: Awaited<ReturnType<typeof aStoreSelling>>
/** Products: p[0..4] of store A, q of store B. */
const p: string[] = []
const pv: string[] = []
let q: string
let loyal: Awaited<ReturnType<typeof aBuyer>>

async function buys(buyer: Ctx, variantIds: string[]) {
  const result = await aCheckout(
    pw.world,
    buyer,
    variantIds.map((variantId) => ({ variantId, quantity: 1 })),
  )
  await payOnCheckoutPage(result.payment.authorizationUrl)
  await pw.settle()
}

const read = (answer: { body: string }) => JSON.parse(answer.body) as Served
const ids = (served: Served) => served.items.map((i) => i.product.id)
const core = () => pw.world.core
const now = () => pw.world.clock.now()

beforeAll(async () => {
  pw = await createPaystackWorld()
  shopA = await aStoreSelling(pw.world)
  p.push(shopA.variant.productId)
  pv.push(shopA.variant.id)
  for (let i = 0; i < 4; i++) {
    const variant = await aVariantOf(pw.world, shopA.seller)
    p.push(variant.productId)
    pv.push(variant.id)
  }
  shopB = await aStoreSelling(pw.world)
  q = shopB.variant.productId
  // p0 and p1 are bought together three times; p0 and q once (below the minimum support).
  for (let i = 0; i < 3; i++) await buys((await aBuyer(pw.world)).ctx, [pv[0]!, pv[1]!])
  await buys((await aBuyer(pw.world)).ctx, [pv[0]!, shopB.variant.id])
  loyal = await aBuyer(pw.world)
  await buys(loyal.ctx, [pv[0]!])
  const run = await core().jobs.run(adminCliCtx(now()), 'refresh-recommendations')
  expect(run.result).toMatchObject({ paidLines: 9, productsWithNeighbours: 2 })
}, 120_000)
afterAll(() => pw.close())

describe('customers also bought', () => {
  it('lists co-purchase neighbours first, with a reason, never the product itself', async () => {
    const served = read(await core().recommendations.alsoBought(anonCtx(now()), p[0]!))
    expect(served.items[0]).toMatchObject({
      product: { id: p[1] },
      reason: 'Customers who bought this also bought it',
    })
    expect(ids(served)).not.toContain(p[0])
  })

  it('keeps at most three products of one store', async () => {
    const served = read(await core().recommendations.alsoBought(anonCtx(now()), p[0]!))
    const ofA = served.items.filter((i) => i.product.store.id === shopA.store.id)
    expect(ofA).toHaveLength(3)
    expect(served.items.length).toBeGreaterThan(3)
  })

  it('falls back to similar products for a product newer than the last run', async () => {
    const fresh = await aVariantOf(pw.world, shopB.seller)
    const served = read(await core().recommendations.alsoBought(anonCtx(now()), fresh.productId))
    expect(served.items.length).toBeGreaterThan(0)
    expect(served.items.every((i) => i.reason.startsWith('Similar category'))).toBe(true)
    expect(served.items.filter((i) => i.product.store.id === shopA.store.id).length).toBe(3)
  })

  it('answers 404 for a product that is not on sale', async () => {
    const { seller } = await aSellerWithStore(pw.world)
    const draft = await aProductIn(pw.world, seller, 'draft')
    await expect(
      core().recommendations.alsoBought(anonCtx(now()), draft.product.id),
    ).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('for you', () => {
  it('recommends around what the buyer bought, saying why, never what they bought', async () => {
    const served = read(await core().recommendations.forYou(loyal.ctx))
    expect(served.source).toBe('personal')
    expect(served.items[0]).toMatchObject({
      product: { id: p[1] },
      reason: 'Because you bought Ankara wrap dress',
    })
    expect(ids(served)).not.toContain(p[0])
  })

  it('drops a product the buyer just bought, and one that sold out', async () => {
    expect(ids(read(await core().recommendations.forYou(loyal.ctx)))).toContain(p[2])
    await buys(loyal.ctx, [pv[2]!])
    expect(ids(read(await core().recommendations.forYou(loyal.ctx)))).not.toContain(p[2])
    await core().inventory.set(shopA.seller, pv[1]!, 0, 'stocktake count')
    await pw.settle()
    const served = read(await core().recommendations.forYou(loyal.ctx))
    expect(ids(served)).not.toContain(p[1])
    await core().inventory.set(shopA.seller, pv[1]!, 10, 'stocktake count')
    await pw.settle()
  })

  it('gives a buyer the job has not seen what is trending in the categories they viewed', async () => {
    const newcomer = await aBuyer(pw.world)
    const before = read(await core().recommendations.forYou(newcomer.ctx))
    expect(before.items[0]).toMatchObject({ product: { id: p[0] }, reason: 'Trending now' })
    // The view drops the cached answer: the next one follows the viewed category.
    await core().recommendations.recordView(newcomer.ctx, { productId: q })
    const served = read(await core().recommendations.forYou(newcomer.ctx))
    expect(served.source).toBe('trending')
    expect(served.items[0]).toMatchObject({ product: { id: p[0] }, reason: 'Trending in women' })
  })

  it("follows a newcomer's saved products at once", async () => {
    const newcomer = await aBuyer(pw.world)
    expect(read(await core().recommendations.forYou(newcomer.ctx)).items[0]?.reason).toBe(
      'Trending now',
    )
    await core().wishlists.add(newcomer.ctx, { productId: q })
    expect(read(await core().recommendations.forYou(newcomer.ctx)).items[0]?.reason).toBe(
      'Trending in women',
    )
  })

  it('refuses to record a view of a product that is not on sale', async () => {
    const buyer = await aBuyer(pw.world)
    await expect(
      core().recommendations.recordView(buyer.ctx, { productId: '65f000000000000000000001' }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('the popular sort', () => {
  it('orders the catalog by recent paid orders', async () => {
    const page = JSON.parse(
      (await core().catalog.listProducts(anonCtx(now()), { sort: 'popular', limit: 2 })).body,
    ) as { items: CatalogProductDTO[]; nextCursor?: string }
    expect(page.items.map((i) => i.id)).toEqual([p[0], p[1]])
    // The cursor pages on past them.
    const next = JSON.parse(
      (
        await core().catalog.listProducts(anonCtx(now()), {
          sort: 'popular',
          limit: 100,
          cursor: page.nextCursor,
        })
      ).body,
    ) as { items: CatalogProductDTO[] }
    expect(next.items.map((i) => i.id)).not.toContain(p[0])
    expect(next.items.map((i) => i.id)).toContain(q)
  })
})
