import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import sharp from 'sharp'
import {
  type CloudinaryStandin,
  cloudinarySignature,
  cloudinaryStringToSign,
  startCloudinaryStandin,
} from '../test-support/cloudinary-standin.js'
import { aPng } from '../test-support/image-fixtures.js'
import { CloudinaryImageStore } from './cloudinary-image-store.adapter.js'
import { sanitizeImage } from './image.sanitizer.js'

const credentials = {
  apiKey: '614335564976464',
  apiSecret: 'standin-secret-Xy7',
  cloudName: 'kloset-test',
}
let clockSkewMs = 0
let standin: CloudinaryStandin
let store: CloudinaryImageStore

beforeAll(async () => {
  standin = await startCloudinaryStandin({
    ...credentials,
    now: () => new Date(Date.now() + clockSkewMs),
  })
  store = new CloudinaryImageStore({ ...credentials, uploadPrefix: standin.url })
})
afterAll(() => standin.close())

describe('the stand-in signature', () => {
  // Vectors from cloudinary_npm's own unit tests (reference/paystack-cloudinary.md §2.2).
  const secret = 'hdcixPpR2iKERPwqvH6sHdK9cyac'

  it('matches Cloudinary SHA-1 and SHA-256 test vectors', () => {
    // `api_sign_request` signs every key it is given, cloud_name included, so this is the whole string.
    const toSign = 'cloud_name=dn6ot3ged&timestamp=1568810420&username=user@cloudinary.com'
    expect(cloudinarySignature(toSign, secret)).toBe('14c00ba6d0dfdedbc86b316847d95b9e6cd46d94')
    expect(cloudinarySignature(toSign, secret, 'sha256')).toBe(
      '45ddaa4fa01f0c2826f32f669d2e4514faf275fe6df053f1a150e7beae58a3bd',
    )
  })

  it('escapes & inside values in version 2, so a smuggled parameter signs differently', () => {
    const honest = cloudinaryStringToSign({
      notification_url: 'https://fake.com/callback?a=1&tags=hello,world',
      timestamp: '1568810420',
    })
    const smuggled = cloudinaryStringToSign({
      notification_url: 'https://fake.com/callback?a=1',
      tags: 'hello,world',
      timestamp: '1568810420',
    })
    expect(honest).toBe(
      'notification_url=https://fake.com/callback?a=1%26tags=hello,world&timestamp=1568810420',
    )
    expect(honest).not.toBe(smuggled)
  })

  it('leaves file, cloud_name, resource_type, api_key and signature out of the string to sign', () => {
    expect(
      cloudinaryStringToSign({
        file: 'x',
        cloud_name: 'c',
        resource_type: 'image',
        api_key: 'k',
        signature: 's',
        timestamp: '1',
        public_id: '',
      }),
    ).toBe('timestamp=1')
  })
})

describe('CloudinaryImageStore against the stand-in', () => {
  it('uploads through the SDK with a signature the stand-in accepts', async () => {
    const image = await sanitizeImage(await aPng(30, 20))
    const stored = await store.put(image)
    expect(stored.storageKey).toMatch(/^products\/[0-9a-f]{32}$/)
    expect(stored.url).toBe(
      `${standin.url}/kloset-test/image/upload/v${standin.assets.get(stored.storageKey)?.version}/${stored.storageKey}.png`,
    )
    const asset = standin.assets.get(stored.storageKey)
    expect(asset).toMatchObject({ format: 'png', width: 30, height: 20 })
    expect(asset?.bytes.equals(image.bytes)).toBe(true)
  })

  it('serves what it stored at the returned URL', async () => {
    const image = await sanitizeImage(await aPng(12, 10))
    const stored = await store.put(image)
    const response = await fetch(stored.url)
    expect(response.status).toBe(200)
    expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).width).toBe(12)
  })

  it('deletes an uploaded image from the stand-in', async () => {
    const stored = await store.put(await sanitizeImage(await aPng()))
    await store.delete(stored.storageKey)
    expect(standin.assets.has(stored.storageKey)).toBe(false)
    expect(standin.calls.at(-1)).toEqual({ action: 'destroy', status: 200 })
  })

  it('treats deleting an image that is already gone as done', async () => {
    await expect(store.delete('products/never-uploaded')).resolves.toBeUndefined()
  })

  it('fails an upload signed with the wrong secret with a clear error, storing nothing', async () => {
    const impostor = new CloudinaryImageStore({
      ...credentials,
      apiSecret: 'wrong',
      uploadPrefix: standin.url,
    })
    const before = standin.assets.size
    const failure = await impostor
      .put(await sanitizeImage(await aPng()))
      .catch((error: unknown) => error)
    expect(failure).toMatchObject({
      kind: 'upstream',
      code: 'image_store_failed',
      details: { httpCode: 401 },
    })
    expect((failure as Error).message).toMatch(/Invalid Signature/)
    expect(standin.assets.size).toBe(before)
  })

  it('fails an upload with an unknown API key', async () => {
    const stranger = new CloudinaryImageStore({
      ...credentials,
      apiKey: '999',
      uploadPrefix: standin.url,
    })
    await expect(stranger.put(await sanitizeImage(await aPng()))).rejects.toThrow(/Unknown API key/)
  })

  it('fails a request whose timestamp is more than an hour old', async () => {
    clockSkewMs = 2 * 3600_000
    try {
      await expect(store.put(await sanitizeImage(await aPng()))).rejects.toThrow(/Stale request/)
    } finally {
      clockSkewMs = 0
    }
  })

  it('fails a delete signed with the wrong secret', async () => {
    const stored = await store.put(await sanitizeImage(await aPng()))
    const impostor = new CloudinaryImageStore({
      ...credentials,
      apiSecret: 'wrong',
      uploadPrefix: standin.url,
    })
    await expect(impostor.delete(stored.storageKey)).rejects.toMatchObject({
      code: 'image_store_failed',
    })
    expect(standin.assets.has(stored.storageKey)).toBe(true)
  })
})
