import type { CatalogCache } from '../catalog/catalog-cache.js'
import type { CatalogFacts } from '../catalog/catalog-facts.js'
import { PurchaseHistory } from '../orders/purchase-history.js'
import { PurchaseLog } from '../orders/purchase-log.js'
import { RecommendationsService } from '../recommendations/recommendations.service.js'
import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { WishlistsService } from './wishlists.service.js'

/**
 * Wishlists and recommendations (docs/wishlists.md, docs/recommendations.md), wired together:
 * a saved product forgets the buyer's cached "for you", which reads the wishlist.
 */
export function wireShelves(
  p: Platform,
  deps: { catalogFacts: CatalogFacts; catalogCache: CatalogCache },
): Wired<{
  wishlists: WishlistsService
  recommendations: RecommendationsService
  purchaseLog: PurchaseLog
}> {
  const { models } = p
  // The purchase log the recommendations job reads instead of whole orders (purchase-log.ts).
  const purchaseLog = new PurchaseLog({
    lines: models.purchaseLines,
    state: models.purchaseLogState,
    orders: models.orders,
  })
  const wishlists: WishlistsService = new WishlistsService({
    items: models.wishlistItems,
    catalog: deps.catalogFacts,
    notifications: p.notifications,
    clock: p.clock,
    // Called only after createCore() returns, when `recommendations` exists.
    onSaved: (userId): Promise<void> => recommendations.forget(userId),
  })
  const recommendations: RecommendationsService = new RecommendationsService({
    lists: models.recommendationLists,
    views: models.productViews,
    catalog: deps.catalogFacts,
    history: new PurchaseHistory({ orders: models.orders, log: purchaseLog }),
    wishlists,
    cache: deps.catalogCache,
    events: p.events,
  })
  return {
    services: { wishlists, recommendations, purchaseLog },
    subscribe(bus) {
      bus.subscribe('stock.changed', 'wishlists.back-in-stock', async (event) => {
        await wishlists.onStockChanged(event)
      })
      bus.subscribe('variant.price_changed', 'wishlists.price-drop', async (event) => {
        await wishlists.onPriceChanged(event)
      })
      // A buyer's purchase leaves their cached "for you" at once (never recommend what was bought).
      bus.on('order.processing', (event) => recommendations.forget(event.buyerId))
      bus.subscribe('order.processing', 'orders.purchase-log', (event) =>
        purchaseLog.recordPaid(event.orderId),
      )
      bus.subscribe('order.cancelled', 'orders.purchase-log-cancel', (event) =>
        purchaseLog.removeOrder(event.orderId),
      )
    },
  }
}
