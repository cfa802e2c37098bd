import { TooLargeError } from './errors.js'

/**
 * Reads a byte stream whole, but never more than `maxBytes` of it: as soon as the running total
 * passes the cap the stream is cancelled and `tooLarge()` is thrown, so a chunked body with no
 * declared length (or one that lies about it) is never buffered past the cap plus one chunk.
 * The one body reader of the API (JSON, uploads, the Paystack webhook) and the Paystack client.
 * @throws TooLargeError (`payload_too_large`) over the cap, unless `tooLarge` makes another error.
 */
export async function readCapped(
  stream: ReadableStream<Uint8Array> | null | undefined,
  maxBytes: number,
  tooLarge: () => Error = () => new TooLargeError(`Body larger than ${maxBytes} bytes`),
): Promise<Uint8Array<ArrayBuffer>> {
  if (!stream) return new Uint8Array()
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      // The rest is never read: a sender streaming forever gets its answer now.
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    chunks.push(value)
  }
  // Web-standard bytes, not Buffer: the API also runs under `deno serve`.
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
