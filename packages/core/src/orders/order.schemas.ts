import { z } from 'zod'
import { addressSchema, phoneNumber } from '../shared/address.js'
import { pageQuery } from '../shared/paging.js'
import { DISPUTE_RESOLUTIONS, ORDER_STATUSES, TRACKING_STATUSES } from './order.types.js'

export const MAX_CART_LINES = 50
export const MAX_LINE_QUANTITY = 20

const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id')
const quantity = z.number().int().min(1).max(MAX_LINE_QUANTITY)
const line = (max: number) => z.string().trim().min(1).max(max)
const reason = z.string().trim().min(3).max(500)

export const addCartItemBody = z.strictObject({ variantId: objectId, quantity })
export type AddCartItemBody = z.infer<typeof addCartItemBody>

/** Changing a line also acknowledges its current price (clears `price_changed`). */
export const updateCartItemBody = z.strictObject({ quantity })
export type UpdateCartItemBody = z.infer<typeof updateCartItemBody>

export const shippingAddress = z.strictObject({
  name: line(120),
  phone: phoneNumber,
  ...addressSchema.shape,
})

export const checkoutBody = z.strictObject({
  shippingAddress,
  /** The app's stable device id (fraud signals: a buyer and a seller on one device). */
  deviceId: z.string().trim().min(8).max(128).optional(),
})
export type CheckoutBody = z.infer<typeof checkoutBody>

/** The `Idempotency-Key` header: printable ASCII without spaces, 8 to 128 characters. */
export const idempotencyKey = z
  .string({ error: 'the Idempotency-Key header is required' })
  .regex(/^[\x21-\x7e]{8,128}$/, 'must be 8 to 128 printable characters without spaces')

export const listOrdersQuery = pageQuery.extend({ status: z.enum(ORDER_STATUSES).optional() })
export type ListOrdersQuery = z.infer<typeof listOrdersQuery>

export const adminOrdersQuery = listOrdersQuery.extend({ store: objectId.optional() })
export type AdminOrdersQuery = z.infer<typeof adminOrdersQuery>

export const cancelOrderBody = z.strictObject({ reason: reason.optional() })
export type CancelOrderBody = z.infer<typeof cancelOrderBody>

const carrier = line(60)
const trackingNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{4,40}$/, 'must be 4 to 40 letters, digits or -')

export const shipOrderBody = z.strictObject({ carrier, trackingNumber })
export type ShipOrderBody = z.infer<typeof shipOrderBody>

/** A calendar date, `YYYY-MM-DD`, that exists. */
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .refine(
    // zod runs this even when the regex failed: an invalid Date must not throw (a 500).
    (value) => {
      const date = new Date(`${value}T00:00:00Z`)
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
    },
    'must be a date that exists',
  )

/**
 * A tracking checkpoint on a shipped order. `at` defaults to now and may not be in the future;
 * `carrier` and `trackingNumber` replace the shipment's (a hand-over to another carrier).
 */
export const trackingCheckpointBody = z.strictObject({
  status: z.enum(TRACKING_STATUSES),
  location: line(200).optional(),
  note: line(500).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
  carrier: carrier.optional(),
  trackingNumber: trackingNumber.optional(),
  estimatedDeliveryDate: calendarDate.optional(),
})
export type TrackingCheckpointBody = z.infer<typeof trackingCheckpointBody>

export const disputeOrderBody = z.strictObject({ reason })
export type DisputeOrderBody = z.infer<typeof disputeOrderBody>

export const resolveDisputeBody = z.strictObject({
  resolution: z.enum(DISPUTE_RESOLUTIONS),
  reason,
})
export type ResolveDisputeBody = z.infer<typeof resolveDisputeBody>

export const refundOrderBody = z.strictObject({
  /** Kobo; the whole refundable remainder when absent. */
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  reason,
})
export type RefundOrderBody = z.infer<typeof refundOrderBody>
