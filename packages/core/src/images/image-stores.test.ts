import { describe, expect, it } from '@jest/globals'
import { loadConfig } from '../shared/config.js'
import { imageStoresFor } from './image-stores.js'

const env = { NODE_ENV: 'test', DATA_DIR: '/tmp/kloset-image-stores', JWT_SECRET: 'x'.repeat(32) }

describe('imageStoresFor', () => {
  it('stores new images on disk when CLOUDINARY_URL is unset', () => {
    const { store, stores } = imageStoresFor(loadConfig(env))
    expect(store.kind).toBe('disk')
    expect(Object.keys(stores)).toEqual(['disk'])
  })

  it('stores new images on Cloudinary when CLOUDINARY_URL is set, keeping disk for older ones', () => {
    const { store, stores } = imageStoresFor(
      loadConfig({ ...env, CLOUDINARY_URL: 'cloudinary://1234:s3cr3t@kloset' }),
    )
    expect(store.kind).toBe('cloudinary')
    expect(Object.keys(stores).sort()).toEqual(['cloudinary', 'disk'])
  })
})

describe('CLOUDINARY_URL', () => {
  it('gives the cloud name, key, secret and an upload prefix to the configuration', () => {
    const config = loadConfig({
      ...env,
      CLOUDINARY_URL: 'cloudinary://1234:s3cr3t@kloset',
      CLOUDINARY_UPLOAD_PREFIX: 'http://127.0.0.1:9443/',
    })
    expect(config.cloudinary).toEqual({
      cloudName: 'kloset',
      apiKey: '1234',
      apiSecret: 's3cr3t',
      uploadPrefix: 'http://127.0.0.1:9443',
    })
  })

  it('refuses a URL without the key and secret', () => {
    expect(() => loadConfig({ ...env, CLOUDINARY_URL: 'cloudinary://kloset' })).toThrow(
      /CLOUDINARY_URL/,
    )
  })
})
