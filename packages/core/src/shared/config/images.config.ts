import type { Env } from '../config.js'
import { optional, url } from './fields.js'

/** Where product images go: Cloudinary when set, else files under DATA_DIR/media. */
export const imagesEnv = {
  CLOUDINARY_URL: optional(
    url(['cloudinary:']).refine((value) => {
      const parsed = new URL(value)
      return Boolean(parsed.username && parsed.password && parsed.hostname)
    }, 'must be cloudinary://<api_key>:<api_secret>@<cloud_name>'),
  ),
  /** Another Cloudinary API host (a local stand-in in tests); production leaves it unset. */
  CLOUDINARY_UPLOAD_PREFIX: optional(url(['http:', 'https:'])),
}

export interface CloudinarySettings {
  cloudName: string
  apiKey: string
  apiSecret: string
  /** The API host, when not https://api.cloudinary.com. */
  uploadPrefix?: string
}

function cloudinaryOf(cloudinaryUrl: string, prefix: string | undefined): CloudinarySettings {
  const parsed = new URL(cloudinaryUrl)
  // The SDK also reads `?upload_prefix=` on the URL; honour it the same way.
  const uploadPrefix = prefix ?? parsed.searchParams.get('upload_prefix') ?? undefined
  return {
    cloudName: parsed.hostname,
    apiKey: decodeURIComponent(parsed.username),
    apiSecret: decodeURIComponent(parsed.password),
    ...(uploadPrefix ? { uploadPrefix: uploadPrefix.replace(/\/$/, '') } : {}),
  }
}

/** CLOUDINARY_URL and CLOUDINARY_UPLOAD_PREFIX; nothing when unset. */
export function imagesOf(env: Env): { cloudinary?: CloudinarySettings } {
  return env.CLOUDINARY_URL
    ? { cloudinary: cloudinaryOf(env.CLOUDINARY_URL, env.CLOUDINARY_UPLOAD_PREFIX) }
    : {}
}
