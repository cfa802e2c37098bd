import { randomBytes } from 'node:crypto'
import { Agent } from 'node:http'
import type { UploadApiErrorResponse, UploadApiOptions, UploadApiResponse } from 'cloudinary'
import type { CloudinarySettings } from '../shared/config.js'
import { UpstreamError } from '../shared/errors.js'
import type { ImageStore, SanitizedImage, StoredImage } from './image-store.port.js'

type Uploader = typeof import('cloudinary').v2.uploader

let uploaderLoading: Promise<Uploader> | undefined
// Loaded on first use, so processes that never upload to Cloudinary do not pay for the SDK.
const loadUploader = (): Promise<Uploader> => {
  uploaderLoading ??= import('cloudinary').then((module) => module.v2.uploader)
  return uploaderLoading
}

const FOLDER = 'products'

/**
 * Product images on Cloudinary, through the official SDK with signed uploads. Credentials go with
 * each call instead of the SDK's global config, so two stores (or a test stand-in) can coexist.
 */
export class CloudinaryImageStore implements ImageStore {
  readonly kind = 'cloudinary' as const
  private readonly options: UploadApiOptions

  constructor(settings: CloudinarySettings) {
    this.options = {
      cloud_name: settings.cloudName,
      api_key: settings.apiKey,
      api_secret: settings.apiSecret,
      resource_type: 'image',
      // Results come through the callback; the SDK's own promise would reject unobserved.
      disable_promises: true,
      ...(settings.uploadPrefix ? { upload_prefix: settings.uploadPrefix } : {}),
      // The SDK picks `https` or `http` once, when it loads, from the global config; a plain-http
      // prefix (a stand-in) therefore needs an http agent here, or the request fails to start.
      ...(settings.uploadPrefix?.startsWith('http:')
        ? { agent: new Agent({ keepAlive: false }) }
        : {}),
    }
  }

  async put(image: SanitizedImage): Promise<StoredImage> {
    const uploader = await loadUploader()
    const result = await new Promise<UploadApiResponse>((resolve, reject) => {
      const stream = uploader.upload_stream(
        {
          ...this.options,
          folder: FOLDER,
          public_id: randomBytes(16).toString('hex'),
          overwrite: false,
          unique_filename: false,
        },
        (error, response) =>
          response && !error ? resolve(response) : reject(refused('upload', error)),
      )
      stream.end(image.bytes)
    })
    return { storageKey: result.public_id, url: result.secure_url }
  }

  async delete(storageKey: string): Promise<void> {
    const uploader = await loadUploader()
    const result = await new Promise<{ result?: string }>((resolve, reject) => {
      uploader.destroy(storageKey, { ...this.options, invalidate: true }, (error, response) =>
        response && !error
          ? resolve(response as { result?: string })
          : reject(refused('delete', error)),
      )
    })
    // 'not found' means it is already gone, which is what we wanted.
    if (result.result !== 'ok' && result.result !== 'not found') {
      throw new UpstreamError(
        `Cloudinary did not delete the image: ${result.result}`,
        'image_store_failed',
      )
    }
  }
}

function refused(action: string, error: UploadApiErrorResponse | undefined): UpstreamError {
  return new UpstreamError(
    `Cloudinary refused the ${action}: ${error?.message ?? 'no answer'}`,
    'image_store_failed',
    error?.http_code ? { httpCode: error.http_code } : undefined,
  )
}
