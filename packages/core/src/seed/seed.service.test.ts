import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { catalogQuery } from '../catalog/public-catalog.schemas.js'
import type { CatalogProductDetailDTO, CatalogProductDTO } from '../catalog/public-catalog.types.js'
import type { Page } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import { adminCliCtx, anonCtx, createTestWorld, type TestWorld } from '../test-support/harness.js'
import { type DemoSeedResult, describeDemoSeed } from './seed.service.js'

let world: TestWorld
let seeded: DemoSeedResult
beforeAll(async () => {
  world = await createTestWorld()
  seeded = await world.core.seed.demo()
}, 120_000)
afterAll(() => world.close())

const anon = () => anonCtx(world.clock.now())

async function catalog(): Promise<CatalogProductDTO[]> {
  const query = validateInput(catalogQuery, { limit: '100' })
  return (
    JSON.parse(
      (await world.core.catalog.listProducts(anon(), query)).body,
    ) as Page<CatalogProductDTO>
  ).items
}

describe('the demo seed', () => {
  it('opens three stores and leaves one waiting for approval', async () => {
    const stores = await world.core.stores.list(adminCliCtx(), { limit: 100 })
    expect(stores.items.map((s) => [s.name, s.status]).sort()).toEqual([
      ['Aba Denim Works', 'pending'],
      ['Adire Lagos', 'approved'],
      ['Aso-Oke House', 'approved'],
      ['Kano Leather Co.', 'approved'],
    ])
  })

  it('puts nine products of the three open stores in the catalog', async () => {
    const items = await catalog()
    expect(items).toHaveLength(9)
    expect(new Set(items.map((p) => p.store.name))).toEqual(
      new Set(['Adire Lagos', 'Aso-Oke House', 'Kano Leather Co.']),
    )
    expect(seeded.products).toEqual({ approved: 9, pendingReview: 2 })
  })

  it('leaves two products waiting for review', async () => {
    const pending = await world.core.products.list(adminCliCtx(), {
      status: 'pending_review',
      limit: 100,
    })
    expect(pending.items.map((p) => p.title).sort()).toEqual([
      'Adire bucket hat',
      'Leather card wallet',
    ])
  })

  it('gives every live product a photo served under /media and sized variants', async () => {
    const items = await catalog()
    expect(items.every((p) => p.image?.url.startsWith(`${world.config.publicUrl}/media/`))).toBe(
      true,
    )
    const dress = items.find((p) => p.title === 'Adire indigo wrap dress')!
    const page = JSON.parse((await world.core.catalog.getProduct(anon(), dress.id)).body) as {
      product: CatalogProductDetailDTO
    }
    expect(page.product.variants).toHaveLength(6)
    expect(page.product.variants.some((v) => v.availability === 'out_of_stock')).toBe(true)
  })

  it('creates an administrator who can sign in with the printed password', async () => {
    const session = await world.core.accounts.login(anon(), {
      email: seeded.admin.email,
      password: seeded.admin.password,
    })
    expect(session.user).toMatchObject({ role: 'admin', email: 'admin@kloset.local' })
    expect(describeDemoSeed(seeded).join('\n')).toContain(
      `${seeded.admin.email} / ${seeded.admin.password}`,
    )
  })

  it('reports the database as no longer empty', async () => {
    expect(await world.core.seed.isEmpty()).toBe(false)
  })

  it('refuses a second run and changes nothing', async () => {
    await expect(world.core.seed.demo()).rejects.toMatchObject({ code: 'not_empty' })
    expect(await catalog()).toHaveLength(9)
  })
})
