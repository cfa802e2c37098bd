import { PAYSTACK_SIGNATURE_HEADER, PAYSTACK_WEBHOOK_PATH, TooLargeError } from '@kloset/core'
import { MAX_JSON_BYTES } from '../http/parse.js'
import { jsonBytes } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Webhooks'
const RECEIVED = JSON.stringify({ received: true })

/**
 * The exact request bytes, at most `limit` of them. The signature covers these bytes, so the
 * body must not go through a JSON parser (or any decoder) before it is verified.
 * @throws TooLargeError past the limit, without reading the rest.
 */
async function readRawBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > limit) throw new TooLargeError(`Body larger than ${limit} bytes`)
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    // A missing or lying content-length must not let a sender stream without end.
    if (size > limit) {
      await reader.cancel()
      throw new TooLargeError(`Body larger than ${limit} bytes`)
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

export const webhookRoutes = [
  route({
    method: 'POST',
    path: PAYSTACK_WEBHOOK_PATH,
    auth: 'public',
    tag,
    summary:
      'Paystack events: verified by x-paystack-signature (HMAC-SHA512 of the raw body), stored once',
    responses: {
      200: 'Received (also for an event already received)',
      400: 'Signed, but not a Paystack event',
      401: 'Missing or wrong signature',
      403: 'Source address not in PAYSTACK_WEBHOOK_IPS',
      413: 'Body over 1 MiB',
    },
    handler: async (req, { core, ctx }) => {
      const rawBody = await readRawBody(req, MAX_JSON_BYTES)
      await core.payments.receivePaystackWebhook(ctx, {
        rawBody,
        signature: req.headers.get(PAYSTACK_SIGNATURE_HEADER),
      })
      // Paystack counts only a 200 as delivered; a duplicate is delivered too.
      return jsonBytes(RECEIVED, 200, { 'cache-control': 'no-store' })
    },
  }),
]
