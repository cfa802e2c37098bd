/** Payments: the Paystack client and the payment event log; what the rest of the code may use. */
export { type ParsedPaystackEvent, paystackEventKey } from './payment-event.keys.js'
export { createPaymentEventModel, type PaymentEventModel } from './payment-event.model.js'
export {
  type ListPaymentEventsQuery,
  type ListPaymentEventsQueryInput,
  listPaymentEventsQuery,
} from './payment-event.schemas.js'
export type { PaymentEventDTO, VerifiedPaymentEvent } from './payment-event.types.js'
export {
  type PaymentEventsDeps,
  PaymentEventsService,
  type PaystackWebhookDelivery,
} from './payment-events.service.js'
export {
  DEFAULT_PAYSTACK_TIMEOUT_MS,
  PaystackClient,
  type PaystackClientOptions,
  TRANSACTION_REFERENCE,
  TRANSFER_REFERENCE,
} from './paystack/paystack.client.js'
export { PaystackRejectedError } from './paystack/paystack.errors.js'
export {
  type LocalSandboxPlan,
  PAYSTACK_WEBHOOK_PATH,
  PAYSTACK_WEBHOOK_SOURCE_IPS,
  type PaystackPlan,
  resolvePaystackSettings,
  withPaystackBaseUrl,
} from './paystack/paystack.settings.js'
export {
  PAYSTACK_SIGNATURE_HEADER,
  signPaystackPayload,
  verifyPaystackSignature,
} from './paystack/paystack.signature.js'
export type * from './paystack/paystack.types.js'
