import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { createProductBody, createVariantBody } from '../catalog/product.schemas.js'
import { validateInput } from '../shared/validate.js'
import { adminCliCtx, aVerifiedUser, userCtx } from '../test-support/harness.js'
import { aJpeg, aPng } from '../test-support/image-fixtures.js'
import { testWorldForSuite } from '../test-support/suite.js'
import { mediaDirOf } from './image-stores.js'

const world = testWorldForSuite()

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  )
const fileOf = (storageKey: string) => join(mediaDirOf(world.config), storageKey)

/** A seller's draft with a variant and one image, in an approved store. */
async function aDraftWithAnImage() {
  const { user } = await aVerifiedUser(world, 'seller')
  const seller = userCtx(user.id, 'seller')
  const { core } = world
  const store = await core.stores.register(seller, {
    name: `Adire Lane ${user.id.slice(-6)}`,
    description: 'Hand-dyed adire.',
    contactEmail: 'shop@adire.example',
    contactPhone: '+2348031234567',
    address: { line1: '4 Itoku Road', city: 'Abeokuta', state: 'Ogun', country: 'NG' },
    categories: ['traditional'],
  })
  await core.stores.approve(adminCliCtx(), store.id)
  const product = await core.products.create(
    seller,
    validateInput(createProductBody, { title: 'Adire kaftan', category: 'traditional' }),
  )
  await core.products.addVariant(
    seller,
    product.id,
    validateInput(createVariantBody, {
      sku: `ADR-${user.id.slice(-6)}`,
      price: 2_500_000,
      stock: 3,
    }),
  )
  const [image] = await core.images.upload(seller, product.id, { bytes: await aJpeg() })
  return { seller, productId: product.id, image: image! }
}

/** A seller's product that an administrator approved, live with one image. */
async function aLiveProductWithAnImage() {
  const { seller, productId, image } = await aDraftWithAnImage()
  await world.core.products.submit(seller, productId)
  await world.core.products.approve(adminCliCtx(), productId)
  return { seller, productId, live: image }
}

describe('images with the catalog', () => {
  it('deletes the file of an image a rejected revision had added', async () => {
    const { seller, productId, live } = await aLiveProductWithAnImage()
    const images = await world.core.images.upload(seller, productId, { bytes: await aPng() })
    const added = images.find((image) => image.id !== live.id)!
    expect(await exists(fileOf(added.storageKey))).toBe(true)

    await world.core.products.rejectRevision(adminCliCtx(), productId, { reason: 'Blurry photo' })
    await world.core.events.drain()

    expect(await exists(fileOf(added.storageKey))).toBe(false)
    expect(await exists(fileOf(live.storageKey))).toBe(true)
  })

  it('deletes the file of an image removed from a draft at once', async () => {
    const { seller, productId, image } = await aDraftWithAnImage()
    await world.core.images.remove(seller, productId, image.id)
    expect((await world.core.products.get(seller, productId)).images).toEqual([])
    expect(await exists(fileOf(image.storageKey))).toBe(false)
  })

  it('deletes the file of an image only the pending revision had at once', async () => {
    const { seller, productId, live } = await aLiveProductWithAnImage()
    const images = await world.core.images.upload(seller, productId, { bytes: await aPng() })
    const added = images.find((image) => image.id !== live.id)!
    await world.core.images.remove(seller, productId, added.id)
    expect(await exists(fileOf(added.storageKey))).toBe(false)
  })

  it('keeps a removed live image for buyers, and its file, while the revision waits', async () => {
    const { seller, productId, live } = await aLiveProductWithAnImage()
    await world.core.images.remove(seller, productId, live.id)
    await world.core.events.drain()
    const product = await world.core.products.get(seller, productId)
    expect(product.images.map((image) => image.id)).toEqual([live.id])
    expect(product.pendingRevision?.images).toEqual([])
    expect(await exists(fileOf(live.storageKey))).toBe(true)
  })

  it('deletes the file of a removed live image once the revision is approved', async () => {
    const { seller, productId, live } = await aLiveProductWithAnImage()
    await world.core.images.remove(seller, productId, live.id)
    const approved = await world.core.products.approveRevision(adminCliCtx(), productId)
    await world.core.events.drain()
    expect(approved.images).toEqual([])
    expect(await exists(fileOf(live.storageKey))).toBe(false)
  })

  it('keeps the image and its file when the revision that removed it is rejected', async () => {
    const { seller, productId, live } = await aLiveProductWithAnImage()
    await world.core.images.remove(seller, productId, live.id)
    const rejected = await world.core.products.rejectRevision(adminCliCtx(), productId, {
      reason: 'Keep the cover photo',
    })
    await world.core.events.drain()
    expect(rejected.images.map((image) => image.id)).toEqual([live.id])
    expect(await exists(fileOf(live.storageKey))).toBe(true)
  })
})
