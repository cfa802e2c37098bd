import { describe, expect, it } from '@jest/globals'
import { UpstreamError } from './errors.js'
import { readCapped } from './read-capped.js'

const CHUNK = 1024

/** A stream of `CHUNK`-byte chunks that ends after `total` bytes, or never (Infinity). */
function aStream(total: number) {
  const seen = { pulls: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const sent = seen.pulls * CHUNK
      if (sent >= total) return controller.close()
      seen.pulls++
      controller.enqueue(
        new Uint8Array(Math.min(CHUNK, total - sent)).fill(0x61 + (seen.pulls % 26)),
      )
    },
    cancel() {
      seen.cancelled = true
    },
  })
  return { stream, seen }
}

describe('readCapped', () => {
  it('returns every byte of a stream under the cap, in order', async () => {
    const { stream } = aStream(3 * CHUNK + 10)
    const bytes = await readCapped(stream, 4 * CHUNK)
    expect(bytes.byteLength).toBe(3 * CHUNK + 10)
    expect([bytes[0], bytes[CHUNK], bytes[2 * CHUNK], bytes[3 * CHUNK]]).toEqual([
      0x62, 0x63, 0x64, 0x65,
    ])
  })

  it('accepts a stream of exactly the cap', async () => {
    const { stream } = aStream(2 * CHUNK)
    expect((await readCapped(stream, 2 * CHUNK)).byteLength).toBe(2 * CHUNK)
  })

  it('reads no stream as no bytes', async () => {
    expect((await readCapped(null, 10)).byteLength).toBe(0)
  })

  it('stops a stream that never ends one chunk past the cap with payload_too_large', async () => {
    const { stream, seen } = aStream(Number.POSITIVE_INFINITY)
    await expect(readCapped(stream, 10 * CHUNK)).rejects.toMatchObject({
      kind: 'too_large',
      code: 'payload_too_large',
      message: `Body larger than ${10 * CHUNK} bytes`,
    })
    // The cap plus the chunk that crossed it, plus the one the stream queues by itself.
    expect(seen.pulls).toBeLessThanOrEqual(12)
    expect(seen.cancelled).toBe(true)
  })

  it('throws the error the caller names over the cap', async () => {
    const { stream } = aStream(Number.POSITIVE_INFINITY)
    const refuse = () => new UpstreamError('too big', 'paystack_bad_response')
    await expect(readCapped(stream, CHUNK, refuse)).rejects.toBeInstanceOf(UpstreamError)
  })
})
