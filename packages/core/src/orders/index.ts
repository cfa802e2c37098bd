/** What the rest of the code may use of orders: cart, checkout, orders, refunds, idempotency. */

export { type ResealReport, SEALED_ADDRESS_FIELDS } from './address.cipher.js'
export { type CartDeps, CartService } from './cart.service.js'
export { CatalogServiceView, type CatalogVariant, type CatalogView } from './catalog-view.js'
export {
  type CheckoutDeps,
  CheckoutService,
  type OrderTimers,
  type PaymentOutcome,
  type PublicPaymentStatus,
} from './checkout.service.js'
export {
  canonicalJson,
  type IdempotencyDeps,
  IdempotencyService,
  type IdempotentRequest,
  type IdempotentResponse,
} from './idempotency.service.js'
export * from './order.schemas.js'
export { nextMoves, orderMoves, orderTransitions } from './order.transitions.js'
export * from './order.types.js'
export { type OrdersDeps, OrdersService } from './orders.service.js'
export type { RefundRecordDTO } from './refunds.queries.js'
export {
  type RefundPreview,
  type RefundResult,
  type RefundsDeps,
  RefundsService,
} from './refunds.service.js'
