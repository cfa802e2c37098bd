import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import sharp from 'sharp'
import { ConflictError } from '../shared/errors.js'
import { newId } from '../shared/ids.js'
import { createLogger } from '../shared/logger.js'
import {
  type CloudinaryStandin,
  startCloudinaryStandin,
} from '../test-support/cloudinary-standin.js'
import { userCtx } from '../test-support/harness.js'
import {
  aJpeg,
  anSvg,
  aPng,
  aTruncatedJpeg,
  aWebp,
  FIXTURE_COPYRIGHT,
  hasExif,
  hasGpsExif,
} from '../test-support/image-fixtures.js'
import { InMemoryProductImageSlots } from '../test-support/product-image-slots.fake.js'
import { CloudinaryImageStore } from './cloudinary-image-store.adapter.js'
import { DiskImageStore } from './disk-image-store.adapter.js'
import { ImagesService } from './images.service.js'

const publicUrl = 'http://localhost:8080'
const logger = createLogger({ level: 'silent', pretty: false })
let mediaDir: string
let disk: DiskImageStore
let standin: CloudinaryStandin
let cloudinary: CloudinaryImageStore
let products: InMemoryProductImageSlots
let images: ImagesService

const sellerId = newId()
const seller = () => userCtx(sellerId, 'seller')
const storedFiles = async () => readdir(join(mediaDir, 'products')).catch(() => [] as string[])

beforeAll(async () => {
  mediaDir = await mkdtemp(join(tmpdir(), 'kloset-media-'))
  disk = new DiskImageStore({ mediaDir, publicUrl })
  const credentials = { apiKey: '1234', apiSecret: 'images-service-secret', cloudName: 'kloset' }
  standin = await startCloudinaryStandin(credentials)
  cloudinary = new CloudinaryImageStore({ ...credentials, uploadPrefix: standin.url })
})
afterAll(async () => {
  await standin.close()
  await rm(mediaDir, { recursive: true, force: true })
})
beforeEach(async () => {
  await rm(join(mediaDir, 'products'), { recursive: true, force: true })
  products = new InMemoryProductImageSlots()
  images = new ImagesService({ products, store: disk, stores: { disk, cloudinary }, logger })
})

describe('upload', () => {
  it('stores a JPEG on disk under a random name and attaches it to the product', async () => {
    const productId = products.aProduct(sellerId)
    const [image] = await images.upload(seller(), productId, {
      bytes: await aJpeg(64, 48),
      filename: 'me.jpg',
    })
    expect(image).toMatchObject({ store: 'disk', format: 'jpeg', width: 64, height: 48 })
    expect(image?.storageKey).toMatch(/^products\/[0-9a-f]{32}\.jpg$/)
    expect(image?.url).toBe(`${publicUrl}/media/${image?.storageKey}`)
    expect(await storedFiles()).toEqual([image?.storageKey.slice('products/'.length)])
  })

  it.each([
    ['png', aPng],
    ['webp', aWebp],
  ] as const)('accepts a %s', async (format, make) => {
    const productId = products.aProduct(sellerId)
    const [image] = await images.upload(seller(), productId, { bytes: await make() })
    expect(image?.format).toBe(format)
    expect(image?.storageKey.endsWith(format)).toBe(true)
  })

  it('stores bytes with no EXIF or GPS left in them', async () => {
    const productId = products.aProduct(sellerId)
    const [image] = await images.upload(seller(), productId, { bytes: await aJpeg() })
    const stored = await readFile(disk.pathOf(image!.storageKey))
    expect(await hasExif(stored)).toBe(false)
    expect(await hasGpsExif(stored)).toBe(false)
    expect(stored.includes(FIXTURE_COPYRIGHT)).toBe(false)
    expect(image?.bytes).toBe(stored.length)
  })

  it('stores a PNG named .jpg as a PNG, judging by its bytes', async () => {
    const productId = products.aProduct(sellerId)
    const [image] = await images.upload(seller(), productId, {
      bytes: await aPng(),
      filename: 'holiday.jpg',
    })
    expect(image?.format).toBe('png')
    expect(image?.storageKey).toMatch(/\.png$/)
    expect((await sharp(await readFile(disk.pathOf(image!.storageKey))).metadata()).format).toBe(
      'png',
    )
  })

  it('never uses the client filename in the stored name', async () => {
    const productId = products.aProduct(sellerId)
    const [image] = await images.upload(seller(), productId, {
      bytes: await aPng(),
      filename: '../../etc/passwd.png',
    })
    expect(image?.storageKey).toMatch(/^products\/[0-9a-f]{32}\.png$/)
  })

  it('refuses an SVG with unsupported_media_type and stores nothing', async () => {
    const productId = products.aProduct(sellerId)
    await expect(
      images.upload(seller(), productId, { bytes: anSvg(), filename: 'logo.png' }),
    ).rejects.toMatchObject({
      code: 'unsupported_media_type',
    })
    expect(await storedFiles()).toEqual([])
    expect(products.imagesOf(productId)).toEqual([])
  })

  it('refuses a truncated JPEG with invalid_image', async () => {
    const productId = products.aProduct(sellerId)
    await expect(
      images.upload(seller(), productId, { bytes: await aTruncatedJpeg() }),
    ).rejects.toMatchObject({
      code: 'invalid_image',
    })
  })

  it("gives another seller not_found and stores nothing for a product they don't own", async () => {
    const productId = products.aProduct(sellerId)
    const stranger = userCtx(newId(), 'seller')
    await expect(
      images.upload(stranger, productId, { bytes: await aJpeg() }),
    ).rejects.toMatchObject({
      kind: 'not_found',
    })
    expect(await storedFiles()).toEqual([])
  })

  it('refuses a ninth image with too_many_images before storing it', async () => {
    const productId = products.aProduct(sellerId)
    const bytes = await aPng(8, 8)
    for (let i = 0; i < 8; i++) await images.upload(seller(), productId, { bytes })
    await expect(images.upload(seller(), productId, { bytes })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'too_many_images',
    })
    expect(await storedFiles()).toHaveLength(8)
  })

  it('deletes the stored file when attaching it to the product fails', async () => {
    const productId = products.aProduct(sellerId)
    products.failNextAttach = new ConflictError('The product changed', 'changed_meanwhile')
    await expect(
      images.upload(seller(), productId, { bytes: await aJpeg() }),
    ).rejects.toMatchObject({
      code: 'changed_meanwhile',
    })
    expect(await storedFiles()).toEqual([])
  })

  it('sends new images to Cloudinary when that is the configured store', async () => {
    const onCloudinary = new ImagesService({
      products,
      store: cloudinary,
      stores: { disk, cloudinary },
      logger,
    })
    const productId = products.aProduct(sellerId)
    const [image] = await onCloudinary.upload(seller(), productId, { bytes: await aWebp() })
    expect(image?.store).toBe('cloudinary')
    expect(standin.assets.get(image!.storageKey)?.format).toBe('webp')
    expect(await storedFiles()).toEqual([])
  })
})

describe('remove', () => {
  it('detaches the image and deletes its file from disk', async () => {
    const productId = products.aProduct(sellerId)
    const [image] = await images.upload(seller(), productId, { bytes: await aJpeg() })
    await images.remove(seller(), productId, image!.id)
    expect(products.imagesOf(productId)).toEqual([])
    expect(await storedFiles()).toEqual([])
  })

  it('leaves the file of an image an approved version still shows', async () => {
    const productId = products.aProduct(sellerId)
    const [image] = await images.upload(seller(), productId, { bytes: await aJpeg() })
    products.approve(productId)
    await images.remove(seller(), productId, image!.id)
    expect(products.imagesOf(productId)).toEqual([])
    expect(await storedFiles()).toEqual([image!.storageKey.slice('products/'.length)])
  })

  it('deletes from the store the image lives in, not the current default', async () => {
    const onCloudinary = new ImagesService({
      products,
      store: cloudinary,
      stores: { disk, cloudinary },
      logger,
    })
    const productId = products.aProduct(sellerId)
    const [image] = await onCloudinary.upload(seller(), productId, { bytes: await aPng() })
    await images.remove(seller(), productId, image!.id)
    expect(standin.assets.has(image!.storageKey)).toBe(false)
  })

  it('gives another seller not_found and leaves the file alone', async () => {
    const productId = products.aProduct(sellerId)
    const [image] = await images.upload(seller(), productId, { bytes: await aJpeg() })
    await expect(
      images.remove(userCtx(newId(), 'seller'), productId, image!.id),
    ).rejects.toMatchObject({
      kind: 'not_found',
    })
    expect(await storedFiles()).toHaveLength(1)
  })
})

describe('discard', () => {
  it('deletes images the catalog dropped from the stores they live in', async () => {
    const onCloudinary = new ImagesService({
      products,
      store: cloudinary,
      stores: { disk, cloudinary },
      logger,
    })
    const productId = products.aProduct(sellerId)
    const [onDisk] = await images.upload(seller(), productId, { bytes: await aJpeg() })
    const [, inCloud] = await onCloudinary.upload(seller(), productId, { bytes: await aPng() })
    await images.discard([onDisk!, inCloud!])
    expect(await storedFiles()).toEqual([])
    expect(standin.assets.has(inCloud!.storageKey)).toBe(false)
  })

  it('does not throw for an image whose store is not configured', async () => {
    const diskOnly = new ImagesService({ products, store: disk, stores: { disk }, logger })
    await expect(
      diskOnly.discard([{ store: 'cloudinary', storageKey: 'products/gone' }]),
    ).resolves.toBeUndefined()
  })
})

describe('reorder', () => {
  it('puts the images in the order given', async () => {
    const productId = products.aProduct(sellerId)
    const ids: string[] = []
    for (const make of [aJpeg, aPng, aWebp]) {
      const list = await images.upload(seller(), productId, { bytes: await make() })
      ids.push(list.at(-1)!.id)
    }
    const reordered = await images.reorder(seller(), productId, {
      imageIds: [ids[2]!, ids[0]!, ids[1]!],
    })
    expect(reordered.map((image) => image.format)).toEqual(['webp', 'jpeg', 'png'])
  })

  it('refuses a list that repeats an image', async () => {
    const productId = products.aProduct(sellerId)
    const [image] = await images.upload(seller(), productId, { bytes: await aJpeg() })
    await expect(
      images.reorder(seller(), productId, { imageIds: [image!.id, image!.id] }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
  })
})
