import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { createProductBody, mediaDirOf, type ProductImage, validateInput } from '@kloset/core'
import {
  aHugePng,
  aJpeg,
  anHtmlPage,
  anOversizedJpeg,
  anSvg,
  aPng,
  aTruncatedJpeg,
  aVerifiedUser,
  aWebp,
  FIXTURE_COPYRIGHT,
  hasExif,
  hasGpsExif,
  userCtx,
} from '@kloset/core/testing'
import { createHttpApp } from '../host/express.js'
import { checkedRequest } from '../test-support/checked-supertest.js'
import { testApiForSuite } from '../test-support/suite.js'

let mediaDir: string
const { world, http } = testApiForSuite()
beforeAll(async () => {
  mediaDir = mediaDirOf(world.config)
})

type ImagesBody = { images: ProductImage[] }
type ErrorBody = { error: { code: string; details?: Record<string, string> } }

const storedFiles = () => readdir(join(mediaDir, 'products')).catch(() => [] as string[])
const fileOf = (image: ProductImage) => join(mediaDir, image.storageKey)

let counter = 0
/** A verified seller with a registered store and one draft product. */
async function aSellerWithProduct() {
  const { user, session } = await aVerifiedUser(world, 'seller')
  const ctx = userCtx(user.id, 'seller')
  await world.core.stores.register(ctx, {
    name: `Ankara House ${Date.now().toString(36)}${counter++}`,
    description: 'Ankara prints, cut to order.',
    contactEmail: 'shop@ankara.example',
    contactPhone: '+2348031234567',
    address: { line1: '12 Balogun Street', city: 'Lagos', state: 'Lagos', country: 'NG' },
    categories: ['traditional'],
  })
  const product = await world.core.products.create(
    ctx,
    validateInput(createProductBody, { title: 'Ankara wrap dress', category: 'traditional' }),
  )
  return { token: session.accessToken, productId: product.id, ctx }
}

async function upload(token: string, productId: string, bytes: Uint8Array, filename = 'photo.jpg') {
  const form = new FormData()
  form.append('image', new Blob([new Uint8Array(bytes)]), filename)
  const response = await http.send(
    new Request(`http://localhost:8080/api/v1/seller/products/${productId}/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    }),
  )
  return { status: response.status, body: (await response.json()) as ImagesBody & ErrorBody }
}

describe('POST /api/v1/seller/products/:id/images', () => {
  it('answers 201 with the images, the JPEG stored on disk without its EXIF or GPS', async () => {
    const { token, productId } = await aSellerWithProduct()
    const res = await upload(token, productId, await aJpeg(64, 48))
    expect(res.status).toBe(201)
    const [image] = res.body.images
    expect(image).toMatchObject({ store: 'disk', format: 'jpeg', width: 64, height: 48 })
    expect(image?.url).toBe(`http://localhost:8080/media/${image?.storageKey}`)
    const stored = await readFile(fileOf(image!))
    expect(await hasExif(stored)).toBe(false)
    expect(await hasGpsExif(stored)).toBe(false)
    expect(stored.includes(FIXTURE_COPYRIGHT)).toBe(false)
  })

  it.each([
    ['png', aPng],
    ['webp', aWebp],
  ] as const)('accepts a %s', async (format, make) => {
    const { token, productId } = await aSellerWithProduct()
    const res = await upload(token, productId, await make(), `photo.${format}`)
    expect(res.status).toBe(201)
    expect(res.body.images[0]?.format).toBe(format)
  })

  it('stores a PNG named .jpg as a PNG', async () => {
    const { token, productId } = await aSellerWithProduct()
    const res = await upload(token, productId, await aPng(), 'holiday.jpg')
    expect(res.body.images[0]?.format).toBe('png')
    expect(res.body.images[0]?.storageKey).toMatch(/^products\/[0-9a-f]{32}\.png$/)
  })

  it.each([
    ['an SVG', anSvg, 'logo.png'],
    ['an HTML page', anHtmlPage, 'page.jpg'],
  ])('refuses %s with 415 unsupported_media_type and stores nothing', async (_kind, make, name) => {
    const { token, productId } = await aSellerWithProduct()
    const before = await storedFiles()
    const res = await upload(token, productId, make(), name)
    expect(res.status).toBe(415)
    expect(res.body.error.code).toBe('unsupported_media_type')
    expect(await storedFiles()).toEqual(before)
  })

  it('refuses a truncated JPEG with 400 invalid_image', async () => {
    const { token, productId } = await aSellerWithProduct()
    const res = await upload(token, productId, await aTruncatedJpeg())
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_image'])
  })

  it('refuses a file over 5 MB with 413 payload_too_large', async () => {
    const { token, productId } = await aSellerWithProduct()
    const res = await upload(token, productId, anOversizedJpeg())
    expect([res.status, res.body.error.code]).toEqual([413, 'payload_too_large'])
  })

  it('refuses an image over 40 megapixels with 413 image_too_large', async () => {
    const { token, productId } = await aSellerWithProduct()
    const res = await upload(token, productId, await aHugePng(6400, 6400), 'bomb.png')
    expect([res.status, res.body.error.code]).toEqual([413, 'image_too_large'])
  })

  it('refuses a ninth image with 409 too_many_images', async () => {
    const { token, productId } = await aSellerWithProduct()
    const bytes = await aPng(8, 8)
    for (let i = 0; i < 8; i++) expect((await upload(token, productId, bytes)).status).toBe(201)
    const res = await upload(token, productId, bytes)
    expect([res.status, res.body.error.code]).toEqual([409, 'too_many_images'])
  })

  it("gives another seller 404 for a product they don't own, storing nothing", async () => {
    const { productId } = await aSellerWithProduct()
    const other = await aSellerWithProduct()
    const before = await storedFiles()
    const res = await upload(other.token, productId, await aJpeg())
    expect(res.status).toBe(404)
    expect(await storedFiles()).toEqual(before)
  })

  it('refuses a buyer with 403', async () => {
    const { productId } = await aSellerWithProduct()
    const buyer = await aVerifiedUser(world, 'buyer')
    const res = await upload(buyer.session.accessToken, productId, await aJpeg())
    expect(res.status).toBe(403)
  })

  it('refuses a JSON body with 415', async () => {
    const { token, productId } = await aSellerWithProduct()
    const res = await http.call<ErrorBody>('POST', `/api/v1/seller/products/${productId}/images`, {
      token,
      body: { image: 'https://elsewhere.example/x.jpg' },
    })
    expect([res.status, res.body.error.code]).toEqual([415, 'unsupported_media_type'])
  })
})

describe('the stored image', () => {
  it('is served by the Express host at its URL, as an image that must not be sniffed', async () => {
    const { token, productId } = await aSellerWithProduct()
    const [image] = (await upload(token, productId, await aWebp())).body.images
    const host = await checkedRequest(createHttpApp(http.api, { mediaDir }), http.api)
    const res = await host.get(new URL(image!.url).pathname)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('image/webp')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })
})

describe('PATCH /api/v1/seller/products/:id/images/order', () => {
  it('puts the images in the order given', async () => {
    const { token, productId } = await aSellerWithProduct()
    await upload(token, productId, await aJpeg())
    await upload(token, productId, await aPng())
    const { images } = (await upload(token, productId, await aWebp())).body
    const ids = images.map((image) => image.id)
    const res = await http.call<ImagesBody>(
      'PATCH',
      `/api/v1/seller/products/${productId}/images/order`,
      {
        token,
        body: { imageIds: [ids[2], ids[0], ids[1]] },
      },
    )
    expect(res.status).toBe(200)
    expect(res.body.images.map((image) => image.format)).toEqual(['webp', 'jpeg', 'png'])
  })

  it('refuses a list that leaves an image out', async () => {
    const { token, productId } = await aSellerWithProduct()
    await upload(token, productId, await aJpeg())
    const { images } = (await upload(token, productId, await aPng())).body
    const res = await http.call<ErrorBody>(
      'PATCH',
      `/api/v1/seller/products/${productId}/images/order`,
      {
        token,
        body: { imageIds: [images[0]?.id] },
      },
    )
    expect(res.status).toBe(400)
  })

  it('refuses unknown fields with 400', async () => {
    const { token, productId } = await aSellerWithProduct()
    const { images } = (await upload(token, productId, await aJpeg())).body
    const res = await http.call<ErrorBody>(
      'PATCH',
      `/api/v1/seller/products/${productId}/images/order`,
      {
        token,
        body: { imageIds: [images[0]?.id], storageKey: '../../etc/passwd' },
      },
    )
    expect([res.status, res.body.error.details?.body]).toEqual([
      400,
      'unknown field(s): storageKey',
    ])
  })
})

describe('DELETE /api/v1/seller/products/:id/images/:imageId', () => {
  it('answers 204 and deletes the file from disk', async () => {
    const { token, productId, ctx } = await aSellerWithProduct()
    const [image] = (await upload(token, productId, await aJpeg())).body.images
    const res = await http.call(
      'DELETE',
      `/api/v1/seller/products/${productId}/images/${image!.id}`,
      { token },
    )
    expect(res.status).toBe(204)
    expect(await storedFiles()).not.toContain(image!.storageKey.slice('products/'.length))
    expect((await world.core.products.get(ctx, productId)).images).toEqual([])
  })

  it('gives another seller 404 and keeps the file', async () => {
    const { token, productId } = await aSellerWithProduct()
    const [image] = (await upload(token, productId, await aJpeg())).body.images
    const other = await aSellerWithProduct()
    const res = await http.call(
      'DELETE',
      `/api/v1/seller/products/${productId}/images/${image!.id}`,
      {
        token: other.token,
      },
    )
    expect(res.status).toBe(404)
    expect(await storedFiles()).toContain(image!.storageKey.slice('products/'.length))
  })
})

describe('OpenAPI', () => {
  it('documents the upload as multipart/form-data with one image field', async () => {
    const res = await http.call<{
      paths: Record<string, Record<string, { requestBody?: unknown }>>
    }>('GET', '/api/v1/openapi.json')
    const body = res.body.paths['/api/v1/seller/products/{id}/images']?.post?.requestBody
    expect(body).toMatchObject({
      content: { 'multipart/form-data': { schema: { required: ['image'] } } },
    })
  })
})
