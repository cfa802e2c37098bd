/** What the rest of the code may use of the catalog. */

export {
  type InventoryDeps,
  InventoryService,
  MAX_RESERVATION_SECONDS,
  type RestockResult,
  type StockChangeResult,
} from './inventory.service.js'
export * from './product.schemas.js'
export { productTransitions } from './product.transitions.js'
export * from './product.types.js'
export { normalizeText, searchTextOf, wordsOf } from './product-summary.js'
export { type ProductsDeps, ProductsService } from './products.service.js'
export { RECOUNT_GRACE_MS, StockRecount, type VariantRecount } from './stock-recount.js'
