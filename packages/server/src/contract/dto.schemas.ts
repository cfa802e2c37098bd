import {
  type AdminOrderDTO,
  type AuditEntryDTO,
  type BankDTO,
  type CartDTO,
  type CatalogCategoryDTO,
  type CatalogProductDetailDTO,
  type CatalogProductDTO,
  type CheckoutResult,
  type CheckoutStatus,
  CURRENCIES,
  JOURNAL_KINDS,
  MOVEMENT_KINDS,
  NOTIFICATION_TYPES,
  type NotificationDTO,
  type NotificationPreferences,
  ORDER_GROUP_STATUSES,
  ORDER_STATUSES,
  type OrderDTO,
  type OrderExplanation,
  type OrderGroupDTO,
  type OrderTrackingDTO,
  PAYOUT_STATUSES,
  type PaymentEventDTO,
  type PayoutAccountDTO,
  type PayoutDetailDTO,
  type PayoutDTO,
  PRODUCT_STATUSES,
  type ProductDetailDTO,
  type ProductDTO,
  type ProductImage,
  type PublicStoreDTO,
  type RefundResult,
  ROLES,
  type SellerBalanceDTO,
  type SellerOrderDTO,
  type Session,
  STORE_STATUSES,
  type StockChangeResult,
  type StockMovementDTO,
  type StoreDTO,
  type StoreLedgerEntryDTO,
  type TokenPair,
  USER_STATUSES,
  type UserDTO,
  type VariantDTO,
} from '@kloset/core'
import { z } from 'zod'

/*
 * The shapes of what the API sends, as zod schemas: the OpenAPI document is generated from them
 * (each `id` becomes a component), tests check every response against them, and the type checks
 * at the bottom of this file fail the build when a core DTO and its schema part ways.
 * Objects are strict, so a field added to a DTO and not here fails the contract test too.
 */

export const at = z.string().meta({ format: 'date-time', example: '2026-12-01T09:00:00.000Z' })
export const id = z.string().meta({ example: '6750a1f2c3d4e5f6a7b8c9d0' })
export const kobo = z.number().int().meta({ description: 'Minor units (kobo)', example: 2500000 })
const count = z.number().int()
export const currency = z.enum(CURRENCIES)
const strict = z.strictObject

export const userDTO = strict({
  id,
  email: z.string().meta({ example: 'ada@example.com' }),
  name: z.string().meta({ example: 'Ada Obi' }),
  role: z.enum(ROLES),
  status: z.enum(USER_STATUSES),
  emailVerified: z.boolean(),
  createdAt: at,
}).meta({ id: 'User' })

const tokenFields = {
  accessToken: z.string().meta({ example: 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl' }),
  refreshToken: z.string().meta({ example: 'rt_3d0a8f6c2b' }),
  expiresIn: count.meta({ description: 'Seconds until the access token expires', example: 900 }),
  tokenType: z.literal('Bearer'),
}
export const tokenPair = strict(tokenFields).meta({ id: 'TokenPair' })
export const session = strict({ ...tokenFields, user: userDTO }).meta({ id: 'Session' })

const storeAddress = strict({
  line1: z.string().meta({ example: '12 Admiralty Way' }),
  line2: z.string().optional(),
  city: z.string().meta({ example: 'Lagos' }),
  state: z.string().meta({ example: 'Lagos' }),
  country: z.string().meta({ example: 'NG' }),
  postalCode: z.string().optional(),
}).meta({ id: 'StoreAddress' })

/** A seller plan's policy, as written onto its stores (docs/plans.md). */
export const planPolicy = strict({
  code: z.string().meta({ example: 'free' }),
  commissionRateBps: count.meta({ example: 500 }),
  productLimit: count.nullable().meta({ description: 'null: unlimited', example: 20 }),
  featured: z.boolean(),
  payoutMinimumKobo: count
    .nullable()
    .meta({ description: "null: the marketplace's PAYOUT_MINIMUM_KOBO", example: null }),
}).meta({ id: 'PlanPolicy' })

export const storeDTO = strict({
  id,
  ownerId: id,
  name: z.string().meta({ example: 'Adire House' }),
  slug: z.string().meta({ example: 'adire-house' }),
  description: z.string(),
  logoUrl: z.string().optional(),
  contactEmail: z.string(),
  contactPhone: z.string(),
  address: storeAddress,
  categories: z.array(z.string().meta({ example: 'women' })),
  status: z.enum(STORE_STATUSES),
  statusReason: z.string().optional(),
  closedUntil: at.optional(),
  commissionRateBps: count.meta({ example: 500 }),
  plan: planPolicy,
  approvedAt: at.optional(),
  createdAt: at,
  updatedAt: at,
}).meta({ id: 'Store' })

export const publicStoreDTO = strict({
  id,
  name: z.string().meta({ example: 'Adire House' }),
  slug: z.string().meta({ example: 'adire-house' }),
  description: z.string(),
  logoUrl: z.string().optional(),
  categories: z.array(z.string()),
  city: z.string().meta({ example: 'Lagos' }),
}).meta({ id: 'PublicStore' })

export const productImage = strict({
  id,
  url: z.string().meta({ example: '/media/products/6750a1f2/cover.webp' }),
  storageKey: z.string(),
  store: z.enum(['disk', 'cloudinary']),
  width: count.meta({ example: 1200 }),
  height: count.meta({ example: 1600 }),
  format: z.enum(['jpeg', 'png', 'webp']),
  bytes: count,
}).meta({ id: 'ProductImage' })

const optionAxis = strict({
  name: z.string().meta({ example: 'size' }),
  values: z.array(z.string().meta({ example: 'M' })),
})
const contentFields = {
  title: z.string().meta({ example: 'Adire maxi dress' }),
  description: z.string(),
  category: z.string().meta({ example: 'women' }),
  brand: z.string().optional(),
  tags: z.array(z.string()),
  options: z.array(optionAxis),
  images: z.array(productImage),
}

const productFields = {
  ...contentFields,
  id,
  storeId: id,
  status: z.enum(PRODUCT_STATUSES),
  statusReason: z.string().optional(),
  pendingRevision: strict({ ...contentFields, submittedAt: at }).optional(),
  revisionRejection: strict({ reason: z.string(), at }).optional(),
  minPrice: kobo.optional(),
  maxPrice: kobo.optional(),
  inStock: z.boolean(),
  variantCount: count,
  optionValues: z.array(z.string()),
  submittedAt: at.optional(),
  approvedAt: at.optional(),
  publishedAt: at.optional(),
  archivedAt: at.optional(),
  createdAt: at,
  updatedAt: at,
}
export const productDTO = strict(productFields).meta({ id: 'Product' })

const optionsMap = z.record(z.string(), z.string()).meta({ example: { size: 'M' } })

export const variantDTO = strict({
  id,
  productId: id,
  storeId: id,
  sku: z.string().meta({ example: 'ADIRE-M' }),
  options: optionsMap,
  price: kobo,
  compareAtPrice: kobo.optional(),
  stock: count,
  lowStockThreshold: count,
  weightGrams: count,
  createdAt: at,
  updatedAt: at,
}).meta({ id: 'Variant' })

export const productDetailDTO = strict({ ...productFields, variants: z.array(variantDTO) }).meta({
  id: 'ProductDetail',
})

export const stockChangeResult = strict({ variant: variantDTO, previous: count })

export const stockMovementDTO = strict({
  id,
  variantId: id,
  kind: z.enum(MOVEMENT_KINDS),
  delta: count,
  stockAfter: count,
  reason: z.string(),
  actor: z.string(),
  reservationId: z.string().optional(),
  orderGroupId: z.string().optional(),
  unconfirmed: z.literal(true).optional(),
  at,
}).meta({ id: 'StockMovement' })

const catalogImage = strict({ url: z.string(), width: count, height: count })
const catalogProductFields = {
  id,
  title: z.string().meta({ example: 'Adire maxi dress' }),
  brand: z.string().optional(),
  category: z.string().meta({ example: 'women' }),
  store: strict({ id, slug: z.string(), name: z.string() }),
  minPrice: kobo,
  maxPrice: kobo,
  currency: z.literal('NGN'),
  inStock: z.boolean(),
  image: catalogImage.optional(),
  publishedAt: at,
}
export const catalogProductDTO = strict(catalogProductFields).meta({ id: 'CatalogProduct' })
export const catalogProductDetailDTO = strict({
  ...catalogProductFields,
  description: z.string(),
  tags: z.array(z.string()),
  options: z.array(optionAxis),
  images: z.array(catalogImage),
  variants: z.array(
    strict({
      id,
      sku: z.string(),
      options: optionsMap,
      price: kobo,
      compareAtPrice: kobo.optional(),
      inStock: z.boolean(),
      availability: z.enum(['in_stock', 'low', 'out_of_stock']),
    }),
  ),
}).meta({ id: 'CatalogProductDetail' })
export const catalogCategoryDTO = strict({
  slug: z.string().meta({ example: 'women' }),
  name: z.string().meta({ example: 'Women' }),
  productCount: count,
}).meta({ id: 'CatalogCategory' })

export const cartDTO = strict({
  lines: z.array(
    strict({
      id,
      variantId: id,
      productId: z.string().optional(),
      storeId: z.string().optional(),
      storeName: z.string().optional(),
      title: z.string().optional(),
      sku: z.string().optional(),
      options: optionsMap,
      unitPrice: kobo.optional(),
      priceSeen: kobo,
      quantity: count,
      lineTotal: kobo,
      issues: z.array(z.enum(['unavailable', 'insufficient_stock', 'price_changed'])),
    }),
  ),
  subtotal: kobo,
  currency,
  itemCount: count,
  hasIssues: z.boolean(),
}).meta({ id: 'Cart' })

const orderStatus = z.enum(ORDER_STATUSES)
const shipment = strict({
  carrier: z.string().meta({ example: 'GIG Logistics' }),
  trackingNumber: z.string().meta({ example: 'GIG123456' }),
  shippedAt: at,
  estimatedDeliveryDate: z.string().optional().meta({ example: '2026-12-05' }),
})
const orderFields = {
  id,
  storeId: id,
  storeName: z.string().meta({ example: 'Adire House' }),
  status: orderStatus,
  lines: z.array(
    strict({
      variantId: id,
      productId: id,
      title: z.string(),
      options: optionsMap,
      sku: z.string(),
      unitPrice: kobo,
      quantity: count,
      lineTotal: kobo,
    }),
  ),
  subtotal: kobo,
  shipping: kobo,
  total: kobo,
  currency,
  refundedAmount: kobo,
  shippingAddress: strict({
    name: z.string(),
    phone: z.string(),
    line1: z.string(),
    line2: z.string().optional(),
    city: z.string(),
    state: z.string(),
    country: z.string(),
    postalCode: z.string().optional(),
  }),
  shipment: shipment.optional(),
  paidAt: at.optional(),
  deliveredAt: at.optional(),
  completedAt: at.optional(),
  cancelReason: z.string().optional(),
  dispute: strict({
    reason: z.string(),
    openedAt: at,
    resolution: z.enum(['refund', 'release']).optional(),
  }).optional(),
  timeline: z.array(
    strict({
      kind: z.enum(['transition', 'note']),
      from: orderStatus.nullable(),
      to: orderStatus,
      actor: z.string(),
      reason: z.string().optional(),
      at,
    }),
  ),
  createdAt: at,
}
const sellerOrderFields = {
  ...orderFields,
  commissionRateBps: count,
  commission: kobo,
  sellerNet: kobo,
  acceptedAt: at.optional(),
}
export const orderDTO = strict({ ...orderFields, orderGroupId: z.string() }).meta({ id: 'Order' })
export const sellerOrderDTO = strict(sellerOrderFields).meta({ id: 'SellerOrder' })
export const adminOrderDTO = strict({
  ...sellerOrderFields,
  orderGroupId: z.string(),
  buyerId: id,
  paymentReference: z.string(),
  saleRecorded: z.boolean(),
  fundsReleased: z.boolean(),
}).meta({ id: 'AdminOrder' })

export const orderGroupDTO = strict({
  id: z.string(),
  status: z.enum(ORDER_GROUP_STATUSES),
  reference: z.string().meta({ example: 'ks_7f3a9c21' }),
  total: kobo,
  currency,
  orderIds: z.array(id),
  expiresAt: at,
  paidAt: at.optional(),
  cancelReason: z.string().optional(),
  paymentIssue: strict({ code: z.string(), message: z.string(), at }).optional(),
  createdAt: at,
}).meta({ id: 'OrderGroup' })

export const checkoutStatus = strict({
  orderGroup: orderGroupDTO,
  orders: z.array(orderDTO),
}).meta({ id: 'CheckoutStatus' })
export const checkoutResult = strict({
  orderGroup: orderGroupDTO,
  orders: z.array(orderDTO),
  payment: strict({
    authorizationUrl: z.string().meta({ example: 'https://checkout.paystack.com/abc123' }),
    reference: z.string().meta({ example: 'ks_7f3a9c21' }),
  }),
}).meta({ id: 'CheckoutResult' })

export const orderTrackingDTO = strict({
  orderId: id,
  status: orderStatus,
  shipment: shipment.optional(),
  deliveredAt: at.optional(),
  checkpoints: z.array(
    strict({
      id: z.string(),
      status: z.enum([
        'picked_up',
        'in_transit',
        'out_for_delivery',
        'delivered',
        'failed_attempt',
      ]),
      location: z.string().optional(),
      note: z.string().optional(),
      at,
      carrier: z.string(),
      trackingNumber: z.string(),
      estimatedDeliveryDate: z.string().optional(),
      postedBy: z.enum(['seller', 'admin']),
      postedAt: at,
    }),
  ),
}).meta({ id: 'OrderTracking' })

const refundDTO = strict({
  id,
  orderId: id,
  amount: kobo,
  currency,
  status: z.enum(['pending', 'processed', 'failed']),
  reason: z.string(),
  restock: z.boolean(),
  requestedBy: z.string(),
  failureReason: z.string().optional(),
  processedAt: at.optional(),
  createdAt: at,
}).meta({ id: 'Refund' })
export const refundResult = strict({ refund: refundDTO, order: adminOrderDTO })

const orderActor = z.enum(['buyer', 'seller', 'admin', 'system'])
export const orderExplanation = strict({
  order: adminOrderDTO,
  orderGroup: orderGroupDTO,
  next: z.array(strict({ to: orderStatus, who: z.array(orderActor) })),
  timers: z.array(strict({ name: z.string(), at, note: z.string() })),
  refunds: z.array(refundDTO),
}).meta({ id: 'OrderExplanation' })

const payoutStatus = z.enum(PAYOUT_STATUSES)
export const payoutAccountDTO = strict({
  storeId: id,
  currency,
  bankCode: z.string().meta({ example: '058' }),
  bankName: z.string().meta({ example: 'Guaranty Trust Bank' }),
  accountName: z.string(),
  accountNumberLast4: z.string().meta({ example: '6789' }),
  payoutsHeldUntil: at.optional(),
  updatedAt: at,
}).meta({ id: 'PayoutAccount' })
export const bankDTO = strict({
  code: z.string().meta({ example: '058' }),
  name: z.string().meta({ example: 'Guaranty Trust Bank' }),
  slug: z.string().meta({ example: 'guaranty-trust-bank' }),
}).meta({ id: 'Bank' })
const payoutFields = {
  id,
  storeId: id,
  period: z.string().meta({ example: '2026-W49' }),
  currency,
  amount: kobo,
  status: payoutStatus,
  attempt: count,
  reference: z.string(),
  bankName: z.string(),
  accountNumberLast4: z.string(),
  failureReason: z.string().optional(),
  attention: z.string().optional(),
  createdAt: at,
  sentAt: at.optional(),
  paidAt: at.optional(),
  failedAt: at.optional(),
}
export const payoutDTO = strict(payoutFields).meta({ id: 'Payout' })
export const payoutDetailDTO = strict({
  ...payoutFields,
  accountName: z.string(),
  transferCode: z.string().optional(),
  paystackStatus: z.string().optional(),
  lastError: z.string().optional(),
  balanceBefore: strict({ pending: kobo, available: kobo, inTransit: kobo, paid: kobo }),
  covers: strict({
    orderIds: z.array(id),
    truncated: z.boolean(),
    throughJournalId: z.string().optional(),
    afterJournalId: z.string().optional(),
  }),
  attempts: z.array(
    strict({
      attempt: count,
      reference: z.string(),
      status: payoutStatus,
      transferCode: z.string().optional(),
      failureReason: z.string().optional(),
      endedAt: at,
    }),
  ),
}).meta({ id: 'PayoutDetail' })
export const sellerBalanceDTO = strict({
  storeId: id,
  currency,
  pending: kobo,
  available: kobo,
  inTransit: kobo,
  paid: kobo,
  minimumPayout: kobo,
  nextPayoutAt: at,
  payoutsHeldUntil: at.optional(),
  payoutAccount: strict({ bankName: z.string(), accountNumberLast4: z.string() }).nullable(),
}).meta({ id: 'SellerBalance' })

export const storeLedgerEntryDTO = strict({
  id,
  kind: z.enum(JOURNAL_KINDS),
  currency,
  postedAt: at,
  refs: strict({
    orderId: z.string().optional(),
    orderGroupId: z.string().optional(),
    payoutId: z.string().optional(),
    refundId: z.string().optional(),
  }),
  memo: z.string().optional(),
  changes: strict({
    pending: kobo.optional(),
    available: kobo.optional(),
    inTransit: kobo.optional(),
    paid: kobo.optional(),
  }),
}).meta({ id: 'StoreLedgerEntry' })

export const notificationDTO = strict({
  id,
  type: z.enum(NOTIFICATION_TYPES),
  title: z.string(),
  body: z.string(),
  link: strict({
    orderId: z.string().optional(),
    storeId: z.string().optional(),
    productId: z.string().optional(),
    payoutId: z.string().optional(),
    refundId: z.string().optional(),
  }),
  createdAt: at,
  seenAt: at.nullable(),
  readAt: at.nullable(),
  archivedAt: at.nullable(),
}).meta({ id: 'Notification' })
const channelFlags = strict({ inApp: z.boolean(), email: z.boolean(), mutable: z.boolean() })
export const notificationPreferences = strict(
  Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, channelFlags])) as Record<
    (typeof NOTIFICATION_TYPES)[number],
    typeof channelFlags
  >,
).meta({ id: 'NotificationPreferences' })

export const auditEntryDTO = strict({
  id,
  at,
  actor: z.string(),
  action: z.string().meta({ example: 'store.approve' }),
  target: strict({ type: z.string(), id: z.string() }),
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
}).meta({ id: 'AuditEntry' })

export const paymentEventDTO = strict({
  id,
  key: z.string(),
  provider: z.literal('paystack'),
  event: z.string().meta({ example: 'charge.success' }),
  reference: z.string().nullable(),
  status: z.string().nullable(),
  receivedAt: at,
}).meta({ id: 'PaymentEvent' })

/** `{ items, nextCursor? }`: one page of a list (docs/api.md, "Lists"). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  strict({
    items: z.array(item),
    nextCursor: z
      .string()
      .optional()
      .meta({ description: 'Pass as `cursor` for the next page; absent on the last page' }),
  })

// Compile-time guards: each schema's output type and its core DTO must be the same type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export type Agrees<S extends z.ZodType, T> = Same<z.output<S>, T>
export type Assert<T extends true> = T
export type DtoSchemasAgree = [
  Assert<Agrees<typeof userDTO, UserDTO>>,
  Assert<Agrees<typeof tokenPair, TokenPair>>,
  Assert<Agrees<typeof session, Session>>,
  Assert<Agrees<typeof storeDTO, StoreDTO>>,
  Assert<Agrees<typeof publicStoreDTO, PublicStoreDTO>>,
  Assert<Agrees<typeof productImage, ProductImage>>,
  Assert<Agrees<typeof productDTO, ProductDTO>>,
  Assert<Agrees<typeof variantDTO, VariantDTO>>,
  Assert<Agrees<typeof productDetailDTO, ProductDetailDTO>>,
  Assert<Agrees<typeof stockChangeResult, StockChangeResult>>,
  Assert<Agrees<typeof stockMovementDTO, StockMovementDTO>>,
  Assert<Agrees<typeof catalogProductDTO, CatalogProductDTO>>,
  Assert<Agrees<typeof catalogProductDetailDTO, CatalogProductDetailDTO>>,
  Assert<Agrees<typeof catalogCategoryDTO, CatalogCategoryDTO>>,
  Assert<Agrees<typeof cartDTO, CartDTO>>,
  Assert<Agrees<typeof orderDTO, OrderDTO>>,
  Assert<Agrees<typeof sellerOrderDTO, SellerOrderDTO>>,
  Assert<Agrees<typeof adminOrderDTO, AdminOrderDTO>>,
  Assert<Agrees<typeof orderGroupDTO, OrderGroupDTO>>,
  Assert<Agrees<typeof checkoutStatus, CheckoutStatus>>,
  Assert<Agrees<typeof checkoutResult, CheckoutResult>>,
  Assert<Agrees<typeof orderTrackingDTO, OrderTrackingDTO>>,
  Assert<Agrees<typeof refundResult, RefundResult>>,
  Assert<Agrees<typeof orderExplanation, OrderExplanation>>,
  Assert<Agrees<typeof payoutAccountDTO, PayoutAccountDTO>>,
  Assert<Agrees<typeof bankDTO, BankDTO>>,
  Assert<Agrees<typeof payoutDTO, PayoutDTO>>,
  Assert<Agrees<typeof payoutDetailDTO, PayoutDetailDTO>>,
  Assert<Agrees<typeof sellerBalanceDTO, SellerBalanceDTO>>,
  Assert<Agrees<typeof storeLedgerEntryDTO, StoreLedgerEntryDTO>>,
  Assert<Agrees<typeof notificationDTO, NotificationDTO>>,
  Assert<Agrees<typeof notificationPreferences, NotificationPreferences>>,
  Assert<Agrees<typeof auditEntryDTO, AuditEntryDTO>>,
  Assert<Agrees<typeof paymentEventDTO, PaymentEventDTO>>,
]
