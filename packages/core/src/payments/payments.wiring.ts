import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { PaymentEventsService } from './payment-events.service.js'

/** Verified Paystack webhook events, stored once and published as `paystack.event_received`. */
export function wirePayments(p: Platform): Wired<{ payments: PaymentEventsService }> {
  const { paystack } = p.config
  const payments = new PaymentEventsService({
    paymentEvents: p.models.paymentEvents,
    events: p.events,
    logger: p.logger,
    paystack: {
      secretKey: paystack.secretKey,
      ...(paystack.webhookIps ? { webhookIps: paystack.webhookIps } : {}),
    },
  })
  return { services: { payments } }
}
