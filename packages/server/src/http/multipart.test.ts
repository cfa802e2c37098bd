import { describe, expect, it } from '@jest/globals'
import { readMultipartFile } from './multipart.js'

const LIMIT = 1024

const formRequest = (form: FormData) =>
  new Request('http://test/upload', { method: 'POST', body: form })
const fileForm = (bytes: Uint8Array<ArrayBuffer>, name = 'a.png', field = 'image') => {
  const form = new FormData()
  form.append(field, new Blob([bytes]), name)
  return form
}

/** A body that streams `total` bytes in chunks and declares no length, as chunked uploads do. */
function streamingRequest(
  total: number,
  onPull: () => void,
  headers: Record<string, string> = {},
): Request {
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull()
      if (sent >= total) return controller.close()
      const chunk = new Uint8Array(Math.min(256, total - sent)).fill(0x61)
      sent += chunk.length
      controller.enqueue(chunk)
    },
  })
  return new Request('http://test/upload', {
    method: 'POST',
    body,
    headers: { 'content-type': 'multipart/form-data; boundary=xyz', ...headers },
    duplex: 'half',
  } as RequestInit)
}

describe('readMultipartFile', () => {
  it('returns the bytes and the client name of the one file', async () => {
    const file = await readMultipartFile(
      formRequest(fileForm(new Uint8Array([1, 2, 3]), 'x.jpg')),
      'image',
      LIMIT,
    )
    expect([...file.bytes]).toEqual([1, 2, 3])
    expect(file.filename).toBe('x.jpg')
  })

  it('refuses a JSON body as unsupported media', async () => {
    const request = new Request('http://test/upload', {
      method: 'POST',
      body: '{"image":"x"}',
      headers: { 'content-type': 'application/json' },
    })
    await expect(readMultipartFile(request, 'image', LIMIT)).rejects.toMatchObject({
      kind: 'unsupported_media',
      code: 'unsupported_media_type',
    })
  })

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    let pulled = 0
    const request = streamingRequest(100 * LIMIT, () => pulled++, {
      'content-length': String(100 * LIMIT),
    })
    await expect(readMultipartFile(request, 'image', LIMIT)).rejects.toMatchObject({
      code: 'payload_too_large',
    })
    // A stream pulls once or twice by itself to fill its queue; the body is 400 chunks long.
    expect(pulled).toBeLessThanOrEqual(2)
  })

  it('cuts off a body that streams past the limit instead of buffering all of it', async () => {
    let pulled = 0
    const total = 10 * 1024 * 1024
    const request = streamingRequest(total, () => pulled++)
    await expect(readMultipartFile(request, 'image', LIMIT)).rejects.toMatchObject({
      kind: 'too_large',
      code: 'payload_too_large',
    })
    expect(pulled * 256).toBeLessThan(total / 10)
  })

  it('refuses a file over the limit', async () => {
    await expect(
      readMultipartFile(formRequest(fileForm(new Uint8Array(LIMIT + 1))), 'image', LIMIT),
    ).rejects.toMatchObject({ code: 'payload_too_large' })
  })

  it('refuses a body with no file in the field', async () => {
    const form = new FormData()
    await expect(readMultipartFile(formRequest(form), 'image', LIMIT)).rejects.toMatchObject({
      code: 'validation_failed',
      details: { image: 'a file is required' },
    })
  })

  it('refuses two files in one request', async () => {
    const form = fileForm(new Uint8Array([1]))
    form.append('image', new Blob([new Uint8Array([2])]), 'b.png')
    await expect(readMultipartFile(formRequest(form), 'image', LIMIT)).rejects.toMatchObject({
      details: { image: 'one file per request' },
    })
  })

  it('refuses a text value where the file should be', async () => {
    const form = new FormData()
    form.append('image', 'not a file')
    await expect(readMultipartFile(formRequest(form), 'image', LIMIT)).rejects.toMatchObject({
      details: { image: 'must be a file' },
    })
  })

  it('refuses unknown fields next to the file', async () => {
    const form = fileForm(new Uint8Array([1]))
    form.append('storageKey', '../../etc/passwd')
    await expect(readMultipartFile(formRequest(form), 'image', LIMIT)).rejects.toMatchObject({
      code: 'validation_failed',
      details: { body: 'unknown field(s): storageKey' },
    })
  })

  it('refuses a malformed multipart body', async () => {
    const request = new Request('http://test/upload', {
      method: 'POST',
      body: 'this is not multipart',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    })
    await expect(readMultipartFile(request, 'image', LIMIT)).rejects.toMatchObject({
      code: 'invalid_multipart',
    })
  })
})
