import { z } from 'zod'
import {
  adminOrderDTO,
  auditEntryDTO,
  bankDTO,
  cartDTO,
  catalogCategoryDTO,
  catalogProductDetailDTO,
  catalogProductDTO,
  notificationDTO,
  notificationPreferences,
  orderDTO,
  orderTrackingDTO,
  pageOf,
  paymentEventDTO,
  payoutAccountDTO,
  payoutDetailDTO,
  payoutDTO,
  productDetailDTO,
  productDTO,
  productImage,
  publicStoreDTO,
  sellerBalanceDTO,
  sellerOrderDTO,
  stockMovementDTO,
  storeDTO,
  storeLedgerEntryDTO,
  userDTO,
  variantDTO,
} from './dto.schemas.js'

/*
 * The bodies routes answer with, named for what they carry. A route row points at one of these
 * (`response: orderBody`); a new route adds its own next to them (docs/architecture.md).
 */

const strict = z.strictObject
const count = z.number().int()

export const userBody = strict({ user: userDTO })
export const usersPage = pageOf(userDTO)
export const acceptedBody = strict({ status: z.literal('accepted') })
export const signupAccepted = strict({ status: z.literal('verification_sent') })

export const storeBody = strict({ store: storeDTO })
export const publicStoreBody = strict({ store: publicStoreDTO })
export const storesPage = pageOf(storeDTO)

export const productBody = strict({ product: productDTO })
export const productDetailBody = strict({ product: productDetailDTO })
export const productsPage = pageOf(productDTO)
export const variantBody = strict({ variant: variantDTO })
export const imagesBody = strict({ images: z.array(productImage) })
export const stockMovementsPage = pageOf(stockMovementDTO)

export const catalogPage = pageOf(catalogProductDTO)
export const catalogProductBody = strict({ product: catalogProductDetailDTO })
export const categoriesBody = strict({ items: z.array(catalogCategoryDTO) })

export const cartBody = strict({ cart: cartDTO })
export const orderBody = strict({ order: orderDTO })
export const ordersPage = pageOf(orderDTO)
export const sellerOrderBody = strict({ order: sellerOrderDTO })
export const sellerOrdersPage = pageOf(sellerOrderDTO)
export const adminOrderBody = strict({ order: adminOrderDTO })
export const adminOrdersPage = pageOf(adminOrderDTO)
export const trackingBody = strict({ tracking: orderTrackingDTO })

export const banksBody = strict({ banks: z.array(bankDTO) })
export const payoutAccountBody = strict({ payoutAccount: payoutAccountDTO })
export const payoutsPage = pageOf(payoutDTO)
export const payoutBody = strict({ payout: payoutDetailDTO })
export const balanceBody = strict({ balance: sellerBalanceDTO })
export const storeLedgerPage = pageOf(storeLedgerEntryDTO)

export const notificationsPage = pageOf(notificationDTO)
export const notificationBody = strict({ notification: notificationDTO })
export const unreadCountBody = strict({ unreadCount: count, seq: count })
export const readAllBody = strict({ updated: count, unreadCount: count, seq: count })
export const seenBody = strict({ updated: count })
export const preferencesBody = strict({ preferences: notificationPreferences })

export const auditPage = pageOf(auditEntryDTO)
export const paymentEventsPage = pageOf(paymentEventDTO)

export const ticketBody = strict({
  ticket: z.string().meta({ example: 'q1w2e3r4t5y6u7i8o9p0' }),
  expiresAt: z.string().meta({ format: 'date-time', example: '2026-12-01T09:00:30.000Z' }),
})
const check = strict({ ok: z.boolean(), ms: count, error: z.string().optional() })
export const readinessBody = strict({
  status: z.enum(['ready', 'unavailable']),
  engine: z.string().meta({ example: 'embedded' }),
  checks: z.record(z.string(), check),
})
export const openApiDocumentBody = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
})
export const aliveBody = strict({ status: z.literal('ok') })
export const receivedBody = strict({ received: z.literal(true) })

export {
  checkoutResult,
  checkoutStatus,
  orderExplanation,
  refundResult,
  session,
  stockChangeResult,
} from './dto.schemas.js'
