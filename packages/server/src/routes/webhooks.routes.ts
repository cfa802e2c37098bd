import { PAYSTACK_SIGNATURE_HEADER, PAYSTACK_WEBHOOK_PATH } from '@kloset/core'
import { receivedBody } from '../contract/responses.js'
import { MAX_JSON_BYTES, readBytes } from '../http/parse.js'
import { jsonBytes } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Webhooks'
const RECEIVED = JSON.stringify({ received: true })

export const webhookRoutes = [
  route({
    method: 'POST',
    path: PAYSTACK_WEBHOOK_PATH,
    auth: 'public',
    tag,
    summary:
      'Paystack events: verified by x-paystack-signature (HMAC-SHA512 of the raw body), stored once',
    response: receivedBody,
    responses: {
      200: 'Received (also for an event already received)',
      400: 'Signed, but not a Paystack event',
      401: 'Missing or wrong signature',
      403: 'Source address not in PAYSTACK_WEBHOOK_IPS',
      413: 'Body over 1 MiB',
    },
    handler: async (req, { core, ctx }) => {
      // The signature covers the exact bytes: no JSON parser or decoder before it is verified.
      const rawBody = await readBytes(req, MAX_JSON_BYTES)
      await core.payments.receivePaystackWebhook(ctx, {
        rawBody,
        signature: req.headers.get(PAYSTACK_SIGNATURE_HEADER),
      })
      // Paystack counts only a 200 as delivered; a duplicate is delivered too.
      return jsonBytes(RECEIVED, 200, { 'cache-control': 'no-store' })
    },
  }),
]
