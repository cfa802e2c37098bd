import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'

const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id')

/** Which alerts an item sends; both off unless asked for. */
export const wishlistAlerts = z
  .object({ backInStock: z.boolean().optional(), priceDrop: z.boolean().optional() })
  .strict()

/** `POST /api/v1/wishlist/items`: a product, or one variant of it, and its alerts. */
export const addWishlistItemBody = z
  .object({
    productId: objectId,
    variantId: objectId.optional(),
    alerts: wishlistAlerts.optional(),
  })
  .strict()
export type AddWishlistItemBody = z.infer<typeof addWishlistItemBody>

/** `PUT /api/v1/wishlist/items/:id/alerts`: the alerts to turn on (`true`) or off. */
export const updateWishlistAlertsBody = wishlistAlerts.refine(
  (value) => value.backInStock !== undefined || value.priceDrop !== undefined,
  { message: 'name backInStock or priceDrop' },
)
export type UpdateWishlistAlertsBody = z.infer<typeof updateWishlistAlertsBody>

export const listWishlistQuery = pageQuery.strict()
export type ListWishlistQuery = z.infer<typeof listWishlistQuery>

/** The most items one wishlist holds. */
export const MAX_WISHLIST_ITEMS = 500
/** An item alerts at most once in this long (back in stock and price drop together). */
export const WISHLIST_ALERT_INTERVAL_MS = 24 * 3600_000
