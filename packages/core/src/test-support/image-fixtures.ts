import sharp from 'sharp'

/**
 * Real image files for upload tests, made on the spot with sharp: small, valid, and carrying
 * EXIF (a copyright line and GPS coordinates) so tests can prove it is stripped.
 */
export const FIXTURE_COPYRIGHT = 'Kloset fixture copyright'

const exif = {
  IFD0: { Copyright: FIXTURE_COPYRIGHT },
  // IFD3 is the GPS directory: Lagos, 6°27'N 3°23'E.
  IFD3: {
    GPSLatitudeRef: 'N',
    GPSLatitude: '6/1 27/1 0/1',
    GPSLongitudeRef: 'E',
    GPSLongitude: '3/1 23/1 0/1',
  },
}

const canvas = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })

export const aJpeg = (width = 64, height = 48): Promise<Buffer> =>
  canvas(width, height).jpeg().withExif(exif).toBuffer()
export const aPng = (width = 64, height = 48): Promise<Buffer> =>
  canvas(width, height).png().withExif(exif).toBuffer()
export const aWebp = (width = 64, height = 48): Promise<Buffer> =>
  canvas(width, height).webp().withExif(exif).toBuffer()

/** A JPEG whose EXIF says "rotate 90°": stored upright, its width and height swap. */
export const aSidewaysJpeg = (width = 60, height = 40): Promise<Buffer> =>
  canvas(width, height).jpeg().withMetadata({ orientation: 6 }).withExif(exif).toBuffer()

/** A real PNG over the pixel limit that is still small on the wire (a decompression bomb). */
export const aHugePng = (width = 6400, height = 6400): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .png({ compressionLevel: 9 })
    .toBuffer()

/** A JPEG cut short: the header is intact, the image data is not. */
export async function aTruncatedJpeg(): Promise<Buffer> {
  const whole = await aJpeg(256, 256)
  return whole.subarray(0, Math.floor(whole.length * 0.6))
}

/** Random bytes behind a JPEG signature, more than `bytes` long. */
export function anOversizedJpeg(bytes = 5 * 1024 * 1024 + 1): Buffer {
  const buffer = Buffer.alloc(bytes, 0x5a)
  buffer.set([0xff, 0xd8, 0xff, 0xe0])
  return buffer
}

export const anSvg = (): Buffer =>
  Buffer.from(
    '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
      '<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>',
  )

export const anHtmlPage = (): Buffer =>
  Buffer.from('<!doctype html><html><body><script>fetch("/steal")</script></body></html>')

/** True when the bytes carry an EXIF block (JPEG APP1 "Exif", PNG eXIf chunk, WebP EXIF chunk). */
export async function hasExif(bytes: Buffer): Promise<boolean> {
  const metadata = await sharp(bytes).metadata()
  return metadata.exif !== undefined || bytes.includes('Exif\0\0') || bytes.includes('eXIf')
}

/** True when the EXIF block points to a GPS directory (tag 0x8825, in either byte order). */
export async function hasGpsExif(bytes: Buffer): Promise<boolean> {
  const { exif } = await sharp(bytes).metadata()
  if (!exif) return false
  return exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25]))
}
