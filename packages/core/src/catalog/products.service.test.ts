import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Ctx } from '../shared/ctx.js'
import type { EventName } from '../shared/events.js'
import { newId } from '../shared/ids.js'
import {
  aProductIn,
  aProductInput,
  aSellerWithStore,
  aVariantInput,
} from '../test-support/catalog-builders.js'
import { adminCliCtx } from '../test-support/harness.js'
import { testWorldForSuite } from '../test-support/suite.js'
import { productTransitions } from './product.transitions.js'
import { PRODUCT_STATUSES, type ProductStatus } from './product.types.js'
import type { ProductImage } from './product-images.port.js'

let seller: Ctx
let sellerEmail: string
const world = testWorldForSuite()
beforeAll(async () => {
  const made = await aSellerWithStore(world)
  seller = made.seller
  sellerEmail = made.email
})

const admin = () => adminCliCtx(world.clock.now())

/** Records the events of one name emitted while a test runs. */
function captured<T>(name: EventName): { events: T[]; stop: () => void } {
  const events: T[] = []
  const stop = world.core.events.on(name, (payload) => {
    events.push(payload as T)
  })
  return { events, stop }
}

/** Image metadata as the images feature attaches it; no file behind it in these tests. */
function anImage(): ProductImage {
  const id = newId()
  return {
    id,
    url: `/media/products/${id}.webp`,
    storageKey: `products/${id}.webp`,
    store: 'disk',
    width: 800,
    height: 1000,
    format: 'webp',
    bytes: 1234,
  }
}

/** An approved product of the seller whose live version shows one image. */
async function anApprovedProductShowingAnImage() {
  const { product } = await aProductIn(world, seller, 'draft')
  const image = anImage()
  await world.core.products.attachImage(seller, product.id, image)
  await world.core.products.submit(seller, product.id)
  await world.core.products.approve(admin(), product.id)
  return { productId: product.id, image }
}

describe('the product transition table', () => {
  type Verb = 'submit' | 'approve' | 'reject' | 'archive'
  const targetOf: Record<Verb, ProductStatus> = {
    submit: 'pending_review',
    approve: 'approved',
    reject: 'rejected',
    archive: 'archived',
  }
  const cases = PRODUCT_STATUSES.flatMap((from) =>
    (Object.keys(targetOf) as Verb[]).map((verb) => ({
      from,
      verb,
      allowed: productTransitions[from].includes(targetOf[verb]),
    })),
  )

  it('lists exactly the documented moves', () => {
    expect(productTransitions).toEqual({
      draft: ['pending_review'],
      pending_review: ['approved', 'rejected'],
      rejected: ['pending_review'],
      approved: ['archived'],
      archived: [],
    })
  })

  it.each(cases)('$verb from $from: allowed=$allowed', async ({ from, verb, allowed }) => {
    const { product } = await aProductIn(world, seller, from)
    const { products } = world.core
    const act = {
      submit: () => products.submit(seller, product.id),
      approve: () => products.approve(admin(), product.id),
      reject: () => products.reject(admin(), product.id, { reason: 'not fashion' }),
      archive: () => products.archive(seller, product.id),
    }[verb]
    if (allowed) {
      await expect(act()).resolves.toMatchObject({ status: targetOf[verb] })
    } else {
      await expect(act()).rejects.toMatchObject({ code: 'invalid_transition' })
      expect((await products.get(seller, product.id)).status).toBe(from)
    }
  })
})

describe('submitting', () => {
  it('refuses a draft while the store is not approved, and keeps it a draft', async () => {
    const pending = await aSellerWithStore(world, 'pending')
    const product = await world.core.products.create(pending.seller, aProductInput())
    await world.core.products.addVariant(pending.seller, product.id, aVariantInput())
    await expect(world.core.products.submit(pending.seller, product.id)).rejects.toMatchObject({
      code: 'store_not_approved',
    })
    expect((await world.core.products.get(pending.seller, product.id)).status).toBe('draft')
  })

  it('refuses a product without variants', async () => {
    const product = await world.core.products.create(seller, aProductInput())
    await expect(world.core.products.submit(seller, product.id)).rejects.toMatchObject({
      code: 'no_variants',
    })
  })

  it('sends an edited rejected product back to review with the rejection reason cleared', async () => {
    const { product } = await aProductIn(world, seller, 'rejected')
    expect(product.statusReason).toBe('blurry photos')
    await world.core.products.update(seller, product.id, { title: 'Ankara wrap dress, new photos' })
    const resubmitted = await world.core.products.submit(seller, product.id)
    expect(resubmitted).toMatchObject({
      status: 'pending_review',
      title: 'Ankara wrap dress, new photos',
    })
    expect(resubmitted.statusReason).toBeUndefined()
  })

  it('refuses content edits while the product is under review', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    await expect(
      world.core.products.update(seller, product.id, { title: 'Sneaky edit' }),
    ).rejects.toMatchObject({
      code: 'under_review',
    })
  })
})

describe('decisions', () => {
  it('approving publishes the product, audits the decision and emails the seller', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    const approved = await world.core.products.approve(admin(), product.id, {
      reason: 'looks good',
    })
    expect(approved).toMatchObject({ status: 'approved', publishedAt: expect.any(String) })
    const audit = await world.core.audit.listFor(admin(), { type: 'product', id: product.id })
    expect(audit[0]).toMatchObject({ action: 'product.approved', reason: 'looks good' })
    await world.smtp.waitFor(sellerEmail, /is live/)
  })

  it('rejecting keeps the reason for the seller and emails it', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    const rejected = await world.core.products.reject(admin(), product.id, {
      reason: 'watermarked photos',
    })
    expect(rejected).toMatchObject({ status: 'rejected', statusReason: 'watermarked photos' })
    const mail = await world.smtp.waitFor(
      sellerEmail,
      /was not approved/,
      undefined,
      /watermarked photos/,
    )
    expect(mail.text).toContain('watermarked photos')
  })

  it('is refused to sellers', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    await expect(world.core.products.approve(seller, product.id)).rejects.toMatchObject({
      code: 'forbidden',
    })
  })

  it('lists the review queue for administrators by status and store', async () => {
    const other = await aSellerWithStore(world)
    const { product } = await aProductIn(world, other.seller, 'pending_review')
    await aProductIn(world, other.seller, 'draft')
    const page = await world.core.products.list(admin(), {
      status: 'pending_review',
      store: other.store.id,
      limit: 20,
    })
    expect(page.items.map((p) => p.id)).toEqual([product.id])
  })
})

describe('revisions of an approved product', () => {
  it('keeps the approved title live until the revision is approved', async () => {
    const { product } = await aProductIn(world, seller, 'approved')
    const edited = await world.core.products.update(seller, product.id, {
      title: 'Ankara wrap dress (2027 cut)',
    })
    expect(edited).toMatchObject({
      status: 'approved',
      title: 'Ankara wrap dress',
      pendingRevision: { title: 'Ankara wrap dress (2027 cut)', submittedAt: expect.any(String) },
    })
    expect((await world.core.products.get(admin(), product.id)).title).toBe('Ankara wrap dress')
    expect((await world.core.products.get(seller, product.id)).title).toBe('Ankara wrap dress')

    const live = await world.core.products.approveRevision(admin(), product.id)
    expect(live.title).toBe('Ankara wrap dress (2027 cut)')
    expect(live.pendingRevision).toBeUndefined()
  })

  it('updates the search text when the revision goes live', async () => {
    const { product } = await aProductIn(world, seller, 'approved')
    await world.core.products.update(seller, product.id, {
      title: 'Agbádá for Sallah',
      brand: null,
    })
    await world.core.products.approveRevision(admin(), product.id)
    const page = await world.core.products.listOwn(seller, { q: 'AGBADA sallah', limit: 20 })
    expect(page.items.map((p) => p.id)).toEqual([product.id])
  })

  it('rejecting a revision keeps the live content and records the reason', async () => {
    const { product } = await aProductIn(world, seller, 'approved')
    await world.core.products.update(seller, product.id, { description: 'Now 100% silk!' })
    const kept = await world.core.products.rejectRevision(admin(), product.id, {
      reason: 'claim not supported',
    })
    expect(kept).toMatchObject({
      description: 'Cotton wax print, fully lined.',
      revisionRejection: { reason: 'claim not supported' },
    })
    expect(kept.pendingRevision).toBeUndefined()
    await world.smtp.waitFor(sellerEmail, /changes to .* were not approved/)
  })

  it('lists products with a revision waiting for administrators', async () => {
    const other = await aSellerWithStore(world)
    const { product } = await aProductIn(world, other.seller, 'approved')
    await aProductIn(world, other.seller, 'approved')
    await world.core.products.update(other.seller, product.id, { tags: ['ankara', 'wrap'] })
    const page = await world.core.products.list(admin(), {
      revision: 'pending',
      store: other.store.id,
      limit: 20,
    })
    expect(page.items.map((p) => p.id)).toEqual([product.id])
  })

  it('refuses to approve a revision when none is pending', async () => {
    const { product } = await aProductIn(world, seller, 'approved')
    await expect(world.core.products.approveRevision(admin(), product.id)).rejects.toMatchObject({
      code: 'no_pending_revision',
    })
  })

  it('applies a price change at once, without a revision, and announces it', async () => {
    const { product, variant } = await aProductIn(world, seller, 'approved')
    const prices = captured<{ variantId: string; price: number; previous: number }>(
      'variant.price_changed',
    )
    try {
      const updated = await world.core.products.updateVariant(seller, variant.id, {
        price: 1_200_000,
      })
      expect(updated.price).toBe(1_200_000)
      const seen = await world.core.products.get(seller, product.id)
      expect(seen).toMatchObject({ minPrice: 1_200_000, maxPrice: 1_200_000 })
      expect(seen.pendingRevision).toBeUndefined()
      await world.core.events.drain()
      expect(prices.events).toContainEqual(
        expect.objectContaining({ variantId: variant.id, price: 1_200_000, previous: 1_500_000 }),
      )
    } finally {
      prices.stop()
    }
  })

  it('puts an image attached to an approved product into the revision', async () => {
    const { product } = await aProductIn(world, seller, 'approved')
    const image: ProductImage = {
      id: newId(),
      url: '/media/x.webp',
      storageKey: 'x.webp',
      store: 'disk',
      width: 800,
      height: 1000,
      format: 'webp',
      bytes: 1234,
    }
    const images = await world.core.products.attachImage(seller, product.id, image)
    expect(images).toEqual([image])
    const seen = await world.core.products.get(seller, product.id)
    expect(seen.images).toEqual([])
    expect(seen.pendingRevision?.images).toEqual([image])
  })

  it('announces the images of a rejected revision as dropped', async () => {
    const { product } = await aProductIn(world, seller, 'approved')
    const image: ProductImage = {
      id: newId(),
      url: '/media/z.webp',
      storageKey: 'z.webp',
      store: 'disk',
      width: 800,
      height: 1000,
      format: 'webp',
      bytes: 1234,
    }
    await world.core.products.attachImage(seller, product.id, image)
    const dropped = captured<{ productId: string; images: ProductImage[] }>(
      'product.images_dropped',
    )
    try {
      await world.core.products.rejectRevision(admin(), product.id, { reason: 'stock photo' })
      await world.core.events.drain()
      expect(dropped.events).toContainEqual(
        expect.objectContaining({ productId: product.id, images: [image] }),
      )
    } finally {
      dropped.stop()
    }
  })

  it('detaches an image of a draft at once and lets its file go', async () => {
    const { product } = await aProductIn(world, seller, 'draft')
    const image = anImage()
    await world.core.products.attachImage(seller, product.id, image)
    const detached = await world.core.products.detachImage(seller, product.id, image.id)
    expect(detached).toEqual({ image, deleteNow: true })
    expect((await world.core.products.get(seller, product.id)).images).toEqual([])
  })

  it('removes a live image in the revision, keeps it live and keeps its file', async () => {
    const { productId, image } = await anApprovedProductShowingAnImage()
    const detached = await world.core.products.detachImage(seller, productId, image.id)
    expect(detached).toEqual({ image, deleteNow: false })
    const seen = await world.core.products.get(seller, productId)
    expect(seen.images).toEqual([image])
    expect(seen.pendingRevision?.images).toEqual([])
  })

  it('lets the file of an image only the revision has go at once', async () => {
    const { productId } = await anApprovedProductShowingAnImage()
    const added = anImage()
    await world.core.products.attachImage(seller, productId, added)
    const detached = await world.core.products.detachImage(seller, productId, added.id)
    expect(detached).toEqual({ image: added, deleteNow: true })
  })

  it('announces a removed live image as dropped when the revision is approved', async () => {
    const { productId, image } = await anApprovedProductShowingAnImage()
    await world.core.products.detachImage(seller, productId, image.id)
    const dropped = captured<{ productId: string; images: ProductImage[] }>(
      'product.images_dropped',
    )
    try {
      const live = await world.core.products.approveRevision(admin(), productId)
      await world.core.events.drain()
      expect(live.images).toEqual([])
      expect(dropped.events).toEqual([expect.objectContaining({ productId, images: [image] })])
    } finally {
      dropped.stop()
    }
  })

  it('keeps a removed live image when the revision is rejected', async () => {
    const { productId, image } = await anApprovedProductShowingAnImage()
    await world.core.products.detachImage(seller, productId, image.id)
    const dropped = captured<{ productId: string }>('product.images_dropped')
    try {
      const live = await world.core.products.rejectRevision(admin(), productId, {
        reason: 'keep the cover',
      })
      await world.core.events.drain()
      expect(live.images).toEqual([image])
      expect(dropped.events.filter((event) => event.productId === productId)).toEqual([])
    } finally {
      dropped.stop()
    }
  })
})

describe('ownership', () => {
  it('answers another seller with not found for products and variants', async () => {
    const { product, variant } = await aProductIn(world, seller, 'approved')
    const other = (await aSellerWithStore(world)).seller
    const { products } = world.core
    const attempts = [
      () => products.get(other, product.id),
      () => products.update(other, product.id, { title: 'Mine now' }),
      () => products.submit(other, product.id),
      () => products.archive(other, product.id),
      () => products.addVariant(other, product.id, aVariantInput()),
      () => products.updateVariant(other, variant.id, { price: 100 }),
      () => products.removeVariant(other, variant.id),
      () => products.assertCanAddImage(other, product.id),
    ]
    for (const attempt of attempts)
      await expect(attempt()).rejects.toMatchObject({ code: 'not_found' })
    expect((await products.get(seller, product.id)).title).toBe('Ankara wrap dress')
  })

  it('lists only the seller’s own products', async () => {
    const other = await aSellerWithStore(world)
    const { product } = await aProductIn(world, other.seller, 'draft')
    const mine = await world.core.products.listOwn(seller, { limit: 100 })
    expect(mine.items.map((p) => p.id)).not.toContain(product.id)
    const theirs = await world.core.products.listOwn(other.seller, { limit: 100 })
    expect(theirs.items.map((p) => p.id)).toEqual([product.id])
  })
})

describe('variants', () => {
  it('stops at 100 variants a product', async () => {
    const sizes = Array.from({ length: 10 }, (_, i) => `S${i}`)
    const colours = Array.from({ length: 10 }, (_, i) => `C${i}`)
    const product = await world.core.products.create(
      seller,
      aProductInput({
        options: [
          { name: 'size', values: sizes },
          { name: 'colour', values: colours },
        ],
      }),
    )
    for (const size of sizes) {
      for (const colour of colours) {
        await world.core.products.addVariant(
          seller,
          product.id,
          aVariantInput({ options: { size, colour }, stock: 0 }),
        )
      }
    }
    await expect(
      world.core.products.addVariant(
        seller,
        product.id,
        aVariantInput({ options: { size: 'S0', colour: 'C0' } }),
      ),
    ).rejects.toMatchObject({ code: 'variant_limit' })
    expect((await world.core.products.get(seller, product.id)).variantCount).toBe(100)
  })

  it('refuses a SKU already used in the same store', async () => {
    const { variant, product } = await aProductIn(world, seller, 'draft')
    await expect(
      world.core.products.addVariant(
        seller,
        product.id,
        aVariantInput({ sku: variant.sku, options: { size: 'L' } }),
      ),
    ).rejects.toMatchObject({ code: 'sku_taken' })
  })

  it('allows the same SKU in another store', async () => {
    const { variant } = await aProductIn(world, seller, 'draft')
    const other = await aSellerWithStore(world)
    const product = await world.core.products.create(other.seller, aProductInput())
    const copy = await world.core.products.addVariant(
      other.seller,
      product.id,
      aVariantInput({ sku: variant.sku }),
    )
    expect(copy.sku).toBe(variant.sku)
  })

  it('refuses renaming a variant to a SKU the store already uses', async () => {
    const { variant, product } = await aProductIn(world, seller, 'draft')
    const second = await world.core.products.addVariant(
      seller,
      product.id,
      aVariantInput({ options: { size: 'L' } }),
    )
    await expect(
      world.core.products.updateVariant(seller, second.id, { sku: variant.sku }),
    ).rejects.toMatchObject({
      code: 'sku_taken',
    })
  })

  it('checks option values against the product’s axes', async () => {
    const product = await world.core.products.create(seller, aProductInput())
    await expect(
      world.core.products.addVariant(
        seller,
        product.id,
        aVariantInput({ options: { size: 'XXL' } }),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_options',
      details: { 'options.size': 'must be one of S, M, L' },
    })
    await expect(
      world.core.products.addVariant(
        seller,
        product.id,
        aVariantInput({ options: { size: 'M', fit: 'slim' } }),
      ),
    ).rejects.toMatchObject({ code: 'invalid_options' })
  })

  it('refuses a second variant with the same options', async () => {
    const { product } = await aProductIn(world, seller, 'draft')
    await expect(
      world.core.products.addVariant(seller, product.id, aVariantInput({ options: { size: 'm' } })),
    ).rejects.toMatchObject({ code: 'options_taken' })
  })

  it('refuses new axes that existing variants do not fit', async () => {
    const { product } = await aProductIn(world, seller, 'draft')
    await expect(
      world.core.products.update(seller, product.id, {
        options: [{ name: 'size', values: ['S', 'L'] }],
      }),
    ).rejects.toMatchObject({ code: 'options_in_use' })
  })

  it('keeps the last variant of a live product', async () => {
    const { variant } = await aProductIn(world, seller, 'approved')
    await expect(world.core.products.removeVariant(seller, variant.id)).rejects.toMatchObject({
      code: 'last_variant',
    })
  })
})

describe('denormalized catalog fields', () => {
  it('derive price range, stock and option values from the variants', async () => {
    const product = await world.core.products.create(
      seller,
      aProductInput({
        options: [
          { name: 'size', values: ['S', 'M'] },
          { name: 'colour', values: ['Black', 'Red'] },
        ],
      }),
    )
    await world.core.products.addVariant(
      seller,
      product.id,
      aVariantInput({ options: { size: 'S', colour: 'Black' }, price: 900_000, stock: 0 }),
    )
    const red = await world.core.products.addVariant(
      seller,
      product.id,
      aVariantInput({ options: { size: 'M', colour: 'Red' }, price: 1_100_000, stock: 2 }),
    )
    expect(await world.core.products.get(seller, product.id)).toMatchObject({
      minPrice: 900_000,
      maxPrice: 1_100_000,
      inStock: true,
      variantCount: 2,
      optionValues: ['colour:black', 'colour:red', 'size:m', 'size:s'],
    })
    await world.core.products.removeVariant(seller, red.id)
    expect(await world.core.products.get(seller, product.id)).toMatchObject({
      minPrice: 900_000,
      maxPrice: 900_000,
      inStock: false,
      optionValues: ['colour:black', 'size:s'],
    })
  })

  it('find products by accent-free, case-free words of title, brand and tags', async () => {
    const product = await world.core.products.create(
      seller,
      aProductInput({ title: 'Gèlè head-tie', brand: 'Ọ̀ṣun Atelier', tags: ['asoebi'] }),
    )
    for (const q of ['gele', 'OSUN', 'asoebi head']) {
      const page = await world.core.products.listOwn(seller, { q, limit: 100 })
      expect(page.items.map((p) => p.id)).toContain(product.id)
    }
  })
})
