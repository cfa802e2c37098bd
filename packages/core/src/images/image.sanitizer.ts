import type { Sharp, SharpOptions } from 'sharp'
import { TooLargeError, UnsupportedMediaError, ValidationError } from '../shared/errors.js'
import type { ImageFormat, SanitizedImage } from './image-store.port.js'

/** 5 MB: what a product photo needs; more is refused before it is decoded. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024
/** 40 megapixels: a bound on decode memory (a small file can claim a huge canvas). */
export const MAX_IMAGE_PIXELS = 40_000_000
export const ACCEPTED_IMAGE_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp']

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b)
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0))

/** The format the bytes say they are (JPEG, PNG or WebP), whatever the file is called. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png'
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp'
  return undefined
}

type SharpFactory = (input: Buffer, options: SharpOptions) => Sharp
let sharpLoading: Promise<SharpFactory> | undefined
// Loaded on first use: the CLI and most requests never touch images, and libvips is heavy.
const loadSharp = (): Promise<SharpFactory> => {
  sharpLoading ??= import('sharp').then((module) => module.default as unknown as SharpFactory)
  return sharpLoading
}

const invalidImage = () =>
  new ValidationError(
    'The file is not a readable image (truncated or corrupt)',
    undefined,
    'invalid_image',
  )

/**
 * Checks an uploaded image by its bytes and re-encodes it: only JPEG, PNG and WebP reach the
 * decoder, EXIF orientation is applied, and every piece of metadata (EXIF with GPS, XMP, ICC
 * comments) is dropped because the output is written fresh.
 * @throws TooLargeError over MAX_IMAGE_BYTES (`payload_too_large`) or MAX_IMAGE_PIXELS
 *   (`image_too_large`); UnsupportedMediaError for any other kind of file; ValidationError
 *   (`invalid_image`) for a truncated or corrupt one.
 */
export async function sanitizeImage(input: Uint8Array): Promise<SanitizedImage> {
  if (input.byteLength > MAX_IMAGE_BYTES) {
    throw new TooLargeError(`Images may be at most ${MAX_IMAGE_BYTES} bytes`, 'payload_too_large', {
      maxBytes: MAX_IMAGE_BYTES,
    })
  }
  if (input.byteLength === 0) throw invalidImage()
  const format = sniffImageFormat(input)
  if (!format) {
    throw new UnsupportedMediaError(
      'Only JPEG, PNG and WebP images are accepted',
      'unsupported_media_type',
      {
        accepted: ACCEPTED_IMAGE_FORMATS,
      },
    )
  }
  const sharp = await loadSharp()
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  // `limitInputPixels` is a second line behind our own check; failOn 'error' refuses truncation.
  const options: SharpOptions = { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS }

  let width: number
  let height: number
  try {
    const metadata = await sharp(bytes, options).metadata()
    if (metadata.format !== format || !metadata.width || !metadata.height) throw invalidImage()
    width = metadata.width
    height = metadata.height
  } catch (error) {
    if (isPixelLimit(error)) throw tooManyPixels()
    throw invalidImage()
  }
  // Read from the header, so a decompression bomb is refused before a single pixel is decoded.
  if (width * height > MAX_IMAGE_PIXELS) throw tooManyPixels()

  try {
    const pipeline = sharp(bytes, options).rotate()
    const encoded =
      format === 'jpeg'
        ? pipeline.jpeg({ quality: 88, mozjpeg: true })
        : format === 'png'
          ? pipeline.png({ compressionLevel: 9 })
          : pipeline.webp({ quality: 88 })
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
    return { bytes: data, format, width: info.width, height: info.height }
  } catch (error) {
    if (isPixelLimit(error)) throw tooManyPixels()
    throw invalidImage()
  }
}

const tooManyPixels = () =>
  new TooLargeError(`Images may have at most ${MAX_IMAGE_PIXELS} pixels`, 'image_too_large', {
    maxPixels: MAX_IMAGE_PIXELS,
  })

const isPixelLimit = (error: unknown) =>
  error instanceof Error && /pixel limit/i.test(error.message)
