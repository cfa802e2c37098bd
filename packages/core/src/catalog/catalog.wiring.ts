import type { UsersService } from '../accounts/users.service.js'
import { outboxSourceOf } from '../events/outbox.js'
import { ImagesService } from '../images/images.service.js'
import type { StoresService } from '../stores/store.service.js'
import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { CatalogCache, invalidateCatalogOn } from './catalog-cache.js'
import { CatalogFacts } from './catalog-facts.js'
import { InventoryService } from './inventory.service.js'
import { ProductsService } from './products.service.js'
import { PublicCatalogService } from './public-catalog.service.js'
import { StockRecount } from './stock-recount.js'

/**
 * Products, stock, images and the public catalog (with its cache and the facts shelves read).
 * size: a feature factory reads as one list of its services and subscribers, in build order.
 */
export function wireCatalog(
  p: Platform,
  deps: { stores: StoresService; users: UsersService },
): Wired<{
  products: ProductsService
  inventory: InventoryService
  stockRecount: StockRecount
  images: ImagesService
  catalog: PublicCatalogService
  catalogCache: CatalogCache
  catalogFacts: CatalogFacts
}> {
  const { models, events, mail, logger } = p
  const { stores, users } = deps
  const catalogModels = {
    products: models.products,
    variants: models.variants,
    movements: models.stockMovements,
    reservations: models.reservations,
  }
  const products = new ProductsService({
    ...catalogModels,
    stores,
    people: users,
    audit: p.audit,
    mail,
    events,
  })
  const inventory = new InventoryService({
    ...catalogModels,
    stores,
    people: users,
    mail,
    events,
    logger,
  })
  const stockRecount = new StockRecount({ ...catalogModels, events, audit: p.audit })
  const images = new ImagesService({ products, ...p.imageStores, logger })
  const catalogCache = new CatalogCache({
    kv: p.kv,
    onError: (error) => logger.error({ err: error }, 'catalog cache invalidation failed'),
  })
  const catalog = new PublicCatalogService({
    products: models.products,
    variants: models.variants,
    stores,
    cache: catalogCache,
  })
  const catalogFacts = new CatalogFacts({
    products: models.products,
    variants: models.variants,
    stores,
  })
  return {
    services: { products, inventory, stockRecount, images, catalog, catalogCache, catalogFacts },
    subscribe(bus) {
      // Images no version of a product uses any more are deleted from the store that holds them.
      bus.subscribe('product.images_dropped', 'images.discard', ({ images: dropped }) =>
        images.discard(dropped),
      )
      bus.subscribe('stock.low', 'inventory.low-stock-mail', (event) =>
        inventory.mailLowStock(event),
      )
      // A listener: every process drops its own cached pages, for events from any process.
      invalidateCatalogOn(bus, catalogCache)
      bus.addOutboxSource(outboxSourceOf(models.products))
    },
  }
}
