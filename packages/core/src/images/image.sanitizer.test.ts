import { describe, expect, it } from '@jest/globals'
import sharp from 'sharp'
import {
  aHugePng,
  aJpeg,
  anHtmlPage,
  anOversizedJpeg,
  anSvg,
  aPng,
  aSidewaysJpeg,
  aTruncatedJpeg,
  aWebp,
  FIXTURE_COPYRIGHT,
  hasExif,
  hasGpsExif,
} from '../test-support/image-fixtures.js'
import { sanitizeImage, sniffImageFormat } from './image.sanitizer.js'

describe('sniffImageFormat', () => {
  it('recognises JPEG, PNG and WebP by their first bytes', async () => {
    expect(sniffImageFormat(await aJpeg())).toBe('jpeg')
    expect(sniffImageFormat(await aPng())).toBe('png')
    expect(sniffImageFormat(await aWebp())).toBe('webp')
  })

  it('recognises nothing in an SVG, an HTML page or a RIFF file that is not WebP', () => {
    expect(sniffImageFormat(anSvg())).toBeUndefined()
    expect(sniffImageFormat(anHtmlPage())).toBeUndefined()
    expect(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined()
  })
})

describe('sanitizeImage', () => {
  it.each([
    ['jpeg', aJpeg],
    ['png', aPng],
    ['webp', aWebp],
  ] as const)('accepts a %s and keeps its format and size', async (format, make) => {
    const image = await sanitizeImage(await make(64, 48))
    expect(image).toMatchObject({ format, width: 64, height: 48 })
    expect((await sharp(image.bytes).metadata()).format).toBe(format)
  })

  it.each([
    ['jpeg', aJpeg],
    ['png', aPng],
    ['webp', aWebp],
  ] as const)('strips EXIF, GPS included, from a %s', async (_format, make) => {
    const original = await make()
    expect(await hasGpsExif(original)).toBe(true)
    const { bytes } = await sanitizeImage(original)
    expect(await hasExif(bytes)).toBe(false)
    expect(await hasGpsExif(bytes)).toBe(false)
    expect(bytes.includes(FIXTURE_COPYRIGHT)).toBe(false)
  })

  it('turns a photo upright by its EXIF orientation before dropping the EXIF', async () => {
    const image = await sanitizeImage(await aSidewaysJpeg(60, 40))
    expect([image.width, image.height]).toEqual([40, 60])
    expect((await sharp(image.bytes).metadata()).orientation).toBeUndefined()
  })

  it('refuses an SVG as unsupported media', async () => {
    await expect(sanitizeImage(anSvg())).rejects.toMatchObject({
      kind: 'unsupported_media',
      code: 'unsupported_media_type',
    })
  })

  it('refuses an HTML page as unsupported media', async () => {
    await expect(sanitizeImage(anHtmlPage())).rejects.toMatchObject({ kind: 'unsupported_media' })
  })

  it('refuses a truncated JPEG as an invalid image', async () => {
    await expect(sanitizeImage(await aTruncatedJpeg())).rejects.toMatchObject({
      kind: 'validation',
      code: 'invalid_image',
    })
  })

  it('refuses bytes that start like a PNG and then are not one', async () => {
    const fake = Buffer.concat([
      (await aPng()).subarray(0, 8),
      Buffer.from('not really a png at all'),
    ])
    await expect(sanitizeImage(fake)).rejects.toMatchObject({ code: 'invalid_image' })
  })

  it('refuses an empty file as an invalid image', async () => {
    await expect(sanitizeImage(new Uint8Array())).rejects.toMatchObject({ code: 'invalid_image' })
  })

  it('refuses more than 5 MB before looking inside', async () => {
    await expect(sanitizeImage(anOversizedJpeg())).rejects.toMatchObject({
      kind: 'too_large',
      code: 'payload_too_large',
    })
  })

  it('refuses an image of more than 40 megapixels even when the file is small', async () => {
    const bomb = await aHugePng(6400, 6400)
    expect(bomb.length).toBeLessThan(1024 * 1024)
    await expect(sanitizeImage(bomb)).rejects.toMatchObject({
      kind: 'too_large',
      code: 'image_too_large',
    })
  })
})
