import { TooLargeError, UnsupportedMediaError, ValidationError } from '@kloset/core'
import { readBytes } from './parse.js'

/** Room for the multipart boundaries and part headers around the file itself. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024

export interface MultipartFile {
  bytes: Uint8Array
  /** As the client named it: informational only, never a path or a type. */
  filename: string
}

const tooLarge = (maxFileBytes: number) =>
  new TooLargeError(`The file may be at most ${maxFileBytes} bytes`, 'payload_too_large', {
    maxBytes: maxFileBytes,
  })

/**
 * Reads exactly one file from a `multipart/form-data` body, in field `field` and nothing else.
 * The size limit holds before the body is buffered (`readBytes`): a declared Content-Length over
 * it is refused at once, and a body that streams past it is cut off.
 * @throws UnsupportedMediaError for another content type, TooLargeError over the limit,
 *   ValidationError for a malformed body, a missing or repeated file, or an unknown field.
 */
export async function readMultipartFile(
  request: Request,
  field: string,
  maxFileBytes: number,
): Promise<MultipartFile> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^multipart\/form-data;\s*boundary=/i.test(type)) {
    throw new UnsupportedMediaError(
      'Expected a multipart/form-data body',
      'unsupported_media_type',
      {
        'content-type': 'must be multipart/form-data',
      },
    )
  }
  const body = await readBytes(request, maxFileBytes + MULTIPART_OVERHEAD_BYTES, () =>
    tooLarge(maxFileBytes),
  )
  if (!request.body) throw missing(field)
  let form: FormData
  try {
    form = await new Response(body, { headers: { 'content-type': type } }).formData()
  } catch {
    throw new ValidationError('The multipart body is malformed', undefined, 'invalid_multipart')
  }

  const unknown = [...new Set(form.keys())].filter((key) => key !== field)
  if (unknown.length > 0) {
    throw new ValidationError('Invalid input', { body: `unknown field(s): ${unknown.join(', ')}` })
  }
  const values = form.getAll(field)
  const [file] = values
  if (!file) throw missing(field)
  if (values.length > 1)
    throw new ValidationError('Invalid input', { [field]: 'one file per request' })
  if (typeof file === 'string')
    throw new ValidationError('Invalid input', { [field]: 'must be a file' })
  if (file.size > maxFileBytes) throw tooLarge(maxFileBytes)
  return { bytes: new Uint8Array(await file.arrayBuffer()), filename: file.name }
}

const missing = (field: string) =>
  new ValidationError('Invalid input', { [field]: 'a file is required' })
