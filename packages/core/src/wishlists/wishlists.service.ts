import type { CatalogFacts, ProductFacts } from '../catalog/catalog-facts.js'
import type { Availability, CatalogProductDTO } from '../catalog/public-catalog.types.js'
import { op } from '../db/query.js'
import type { NotificationsService } from '../notifications/notifications.service.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, requireUser } from '../shared/ctx.js'
import { ConflictError, NotFoundError } from '../shared/errors.js'
import type { Delivered } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import { formatMoney } from '../shared/money.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { ANY_VARIANT, type WishlistItemDoc, type WishlistItemModel } from './wishlist.model.js'
import {
  type AddWishlistItemBody,
  type ListWishlistQuery,
  MAX_WISHLIST_ITEMS,
  type UpdateWishlistAlertsBody,
  WISHLIST_ALERT_INTERVAL_MS,
} from './wishlist.schemas.js'

/** A saved item as its buyer sees it: what it costs and whether it can be bought now. */
export interface WishlistItemDTO {
  id: string
  productId: string
  /** The saved variant; null when the whole product was saved. */
  variantId: string | null
  variantOptions: Record<string, string> | null
  /** The product's card; null once it left the catalog (archived, store closed). */
  product: CatalogProductDTO | null
  /** Kobo now: the variant's price, or the product's lowest; null when unavailable. */
  price: number | null
  /** Kobo when saved. */
  savedPrice: number
  /** `price` is below `savedPrice`. */
  priceDropped: boolean
  /** `unavailable`: no longer for sale (or the variant was removed). */
  availability: Availability | 'unavailable'
  alerts: { backInStock: boolean; priceDrop: boolean }
  savedAt: string
}

export interface WishlistsDeps {
  items: WishlistItemModel
  catalog: CatalogFacts
  notifications: Pick<NotificationsService, 'deliver'>
  clock: Clock
  /** Called after a buyer saved a new item (recommendations drop their cached "for you"). */
  onSaved?: (userId: string) => Promise<void>
}

const isDuplicateKey = (error: unknown) => (error as { code?: unknown }).code === 11000
const itemNotFound = () => new NotFoundError('Wishlist item')

/** Buyers' wishlists: save, list with today's price and availability, remove; and the alerts. */
export class WishlistsService {
  constructor(private deps: WishlistsDeps) {}

  /**
   * Saves a live product (or one of its variants); saving it again returns the item that is
   * there, with the alerts given turned on or off. `created` says which.
   * @throws NotFoundError for a product not on sale or a variant not of it.
   * @throws ConflictError (`wishlist_full`) past MAX_WISHLIST_ITEMS.
   */
  async add(
    ctx: Ctx,
    input: AddWishlistItemBody,
  ): Promise<{ item: WishlistItemDTO; created: boolean }> {
    const userId = requireUser(ctx)
    const [product] = await this.deps.catalog.products([input.productId], ctx.now, {
      withVariants: true,
    })
    if (!product?.sellable) throw new NotFoundError('Product')
    const variant = input.variantId
      ? product.variants?.find((v) => v.id === input.variantId)
      : undefined
    if (input.variantId && !variant) throw new NotFoundError('Variant')
    const key = { userId, productId: product.id, variantKey: variant?.id ?? ANY_VARIANT }
    const alerts = Object.fromEntries(
      Object.entries(input.alerts ?? {}).map(([name, on]) => [`alerts.${name}`, on]),
    )
    const existing = await this.deps.items.findOne(key).lean()
    if (existing) {
      const updated =
        Object.keys(alerts).length > 0
          ? await this.deps.items
              .findOneAndUpdate(
                { _id: existing._id },
                { $set: alerts },
                { returnDocument: 'after' },
              )
              .lean()
          : existing
      return { item: this.toDTO(updated ?? existing, product), created: false }
    }
    if ((await this.deps.items.countDocuments({ userId })) >= MAX_WISHLIST_ITEMS)
      throw new ConflictError(
        `A wishlist holds at most ${MAX_WISHLIST_ITEMS} items; remove some first`,
        'wishlist_full',
      )
    try {
      const doc = await this.deps.items.create({
        ...key,
        savedPrice: variant?.price ?? product.minPrice,
        alerts: {
          backInStock: input.alerts?.backInStock ?? false,
          priceDrop: input.alerts?.priceDrop ?? false,
        },
        createdAt: ctx.now,
      })
      await this.deps.onSaved?.(userId)
      return { item: this.toDTO(doc.toObject(), product), created: true }
    } catch (error) {
      // The same save, twice at once: the other one made it.
      if (!isDuplicateKey(error)) throw error
      const made = await this.deps.items.findOne(key).lean()
      if (!made) throw error
      return { item: this.toDTO(made, product), created: false }
    }
  }

  /** The buyer's items, newest first, each with today's price and availability. */
  async list(ctx: Ctx, query: ListWishlistQuery): Promise<Page<WishlistItemDTO>> {
    const userId = requireUser(ctx)
    const filter: Record<string, unknown> = { userId, ...afterIdCursor(query.cursor) }
    const rows = await this.deps.items
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    const facts = await this.deps.catalog.products(
      rows.map((r) => r.productId),
      ctx.now,
      { withVariants: true },
    )
    const byId = new Map(facts.map((f) => [f.id, f]))
    return toPage(rows, query.limit, (row) => this.toDTO(row, byId.get(row.productId)), idCursorOf)
  }

  /** Turns an item's alerts on or off. @throws NotFoundError for an item not the buyer's. */
  async updateAlerts(
    ctx: Ctx,
    id: string,
    input: UpdateWishlistAlertsBody,
  ): Promise<WishlistItemDTO> {
    const userId = requireUser(ctx)
    if (!isId(id)) throw itemNotFound()
    const set = Object.fromEntries(
      Object.entries(input).map(([name, on]) => [`alerts.${name}`, on]),
    )
    const row = await this.deps.items
      .findOneAndUpdate({ _id: id, userId }, { $set: set }, { returnDocument: 'after' })
      .lean()
    if (!row) throw itemNotFound()
    const [product] = await this.deps.catalog.products([row.productId], ctx.now, {
      withVariants: true,
    })
    return this.toDTO(row, product)
  }

  /** Removes an item. @throws NotFoundError for an item not the buyer's (or already removed). */
  async remove(ctx: Ctx, id: string): Promise<{ removed: true }> {
    const userId = requireUser(ctx)
    if (!isId(id)) throw itemNotFound()
    const result = await this.deps.items.deleteOne({ _id: id, userId })
    if (result.deletedCount === 0) throw itemNotFound()
    return { removed: true }
  }

  /** Every saved (user, product) pair, for the recommendations job. */
  async savedProducts(): Promise<{ userId: string; productId: string; at: Date }[]> {
    const rows = await this.deps.items
      .find({})
      .select({ userId: 1, productId: 1, createdAt: 1 })
      .lean()
    return rows.map((r) => ({ userId: r.userId, productId: r.productId, at: r.createdAt }))
  }

  /** The products one buyer saved (recommendations' fallback for a buyer the job has not seen). */
  async productsSavedBy(userId: string): Promise<string[]> {
    const rows = await this.deps.items.find({ userId }).select({ productId: 1 }).limit(50).lean()
    return rows.map((r) => r.productId)
  }

  // ---- alerts (event subscribers) --------------------------------------------------------------

  /**
   * A variant came back in stock: alerts the items watching that variant, and the items
   * watching the whole product if the product had been sold out.
   */
  async onStockChanged(event: Delivered<'stock.changed'>): Promise<number> {
    if (!(event.previous <= 0 && event.stock > 0)) return 0
    const watching = await this.deps.items
      .find({ productId: event.productId, 'alerts.backInStock': true })
      .lean()
    if (watching.length === 0) return 0
    const now = this.deps.clock.now()
    const [product] = await this.deps.catalog.products([event.productId], now, {
      withVariants: true,
    })
    if (!product?.sellable) return 0
    const wasSoldOut = (product.variants ?? []).every(
      (v) => v.id === event.variantId || v.stock <= 0,
    )
    let sent = 0
    for (const item of watching) {
      const concerned =
        item.variantKey === event.variantId || (item.variantKey === ANY_VARIANT && wasSoldOut)
      if (!concerned) continue
      if (
        await this.alertOnce(item, event.eventId, now, {
          title: `Back in stock: ${product.title}`,
          body: `${product.title} from ${product.card.store.name} is available again.`,
        })
      )
        sent++
    }
    return sent
  }

  /** A variant's price went down: alerts the items watching it whose price fell below saved. */
  async onPriceChanged(event: Delivered<'variant.price_changed'>): Promise<number> {
    if (event.price >= event.previous) return 0
    const watching = await this.deps.items
      .find({ productId: event.productId, 'alerts.priceDrop': true })
      .lean()
    const concerned = watching.filter(
      (item) =>
        (item.variantKey === event.variantId || item.variantKey === ANY_VARIANT) &&
        event.price < item.savedPrice,
    )
    if (concerned.length === 0) return 0
    const now = this.deps.clock.now()
    const [product] = await this.deps.catalog.products([event.productId], now)
    if (!product?.sellable) return 0
    let sent = 0
    for (const item of concerned)
      if (
        await this.alertOnce(item, event.eventId, now, {
          title: `Price drop: ${product.title}`,
          body: `${product.title} is now ${formatMoney(event.price)} (was ${formatMoney(item.savedPrice)} when you saved it).`,
        })
      )
        sent++
    return sent
  }

  /**
   * At most one alert per item per day: claims the item's alert slot with a compare-and-set
   * (the last alert a day old, or made from this same event, so a retried subscriber still
   * delivers), then delivers to the inbox, which is idempotent by (event, user).
   */
  private async alertOnce(
    item: WishlistItemDoc,
    eventId: string,
    now: Date,
    text: { title: string; body: string },
  ): Promise<boolean> {
    const claimed = await this.deps.items
      .findOneAndUpdate(
        {
          _id: item._id,
          $or: [
            { lastAlertAt: op({ $lte: new Date(now.getTime() - WISHLIST_ALERT_INTERVAL_MS) }) },
            { lastAlertEventId: eventId },
          ],
        },
        { $set: { lastAlertAt: now, lastAlertEventId: eventId } },
        { returnDocument: 'after' },
      )
      .lean()
    if (!claimed) return false
    return this.deps.notifications.deliver(now, {
      userId: item.userId,
      eventId,
      type: 'wishlist',
      ...text,
      link: { productId: item.productId },
    })
  }

  private toDTO(row: WishlistItemDoc, product: ProductFacts | undefined): WishlistItemDTO {
    const variantId = row.variantKey === ANY_VARIANT ? null : row.variantKey
    const variant = variantId ? product?.variants?.find((v) => v.id === variantId) : undefined
    const live = product?.sellable === true && (variantId === null || variant !== undefined)
    const price = !live ? null : (variant?.price ?? product?.minPrice ?? null)
    let availability: WishlistItemDTO['availability'] = 'unavailable'
    if (live && variant) availability = variant.availability
    else if (live && product) availability = bestAvailability(product)
    return {
      id: String(row._id),
      productId: row.productId,
      variantId,
      variantOptions: variant?.options ?? null,
      product: product?.sellable ? product.card : null,
      price,
      savedPrice: row.savedPrice,
      priceDropped: price !== null && price < row.savedPrice,
      availability,
      alerts: { backInStock: row.alerts.backInStock, priceDrop: row.alerts.priceDrop },
      savedAt: row.createdAt.toISOString(),
    }
  }
}

/** A whole product's availability: its best variant's. */
function bestAvailability(product: ProductFacts): Availability {
  const all = (product.variants ?? []).map((v) => v.availability)
  if (all.includes('in_stock')) return 'in_stock'
  if (all.includes('low')) return 'low'
  return 'out_of_stock'
}
