import { describe, expect, it } from '@jest/globals'
import { z } from 'zod'
import { MAX_JSON_BYTES, parseBody } from './parse.js'

const schema = z.object({ note: z.string() }).strict()

/** A chunked body with no content-length that would go on for `total` bytes. */
function streamed(total: number) {
  const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
  let pulled = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close()
      pulled += chunk.byteLength
      controller.enqueue(chunk)
    },
  })
  const request = new Request('http://localhost/x', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    duplex: 'half',
  } as RequestInit)
  return { request, pulled: () => pulled }
}

describe('parseBody', () => {
  it('stops reading a chunked body as soon as it passes the limit, with 413', async () => {
    const { request, pulled } = streamed(20 * MAX_JSON_BYTES)
    await expect(parseBody(request, schema)).rejects.toMatchObject({
      kind: 'too_large',
      code: 'payload_too_large',
    })
    expect(pulled()).toBeLessThan(MAX_JSON_BYTES + 256 * 1024)
  })

  it('refuses a declared length over the limit without reading', async () => {
    const request = new Request('http://localhost/x', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(MAX_JSON_BYTES + 1),
      },
      body: '{}',
    })
    await expect(parseBody(request, schema)).rejects.toMatchObject({ kind: 'too_large' })
  })

  it('reads a body under the limit', async () => {
    const request = new Request('http://localhost/x', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'é'.repeat(1000) }),
    })
    expect(await parseBody(request, schema)).toEqual({ note: 'é'.repeat(1000) })
  })
})
