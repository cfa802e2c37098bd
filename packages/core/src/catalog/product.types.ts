import type { ProductImage } from './product-images.port.js'

/** Product lifecycle (product.transitions.ts holds the table). */
export const PRODUCT_STATUSES = [
  'draft',
  'pending_review',
  'approved',
  'rejected',
  'archived',
] as const
export type ProductStatus = (typeof PRODUCT_STATUSES)[number]

/** One option axis of a product, e.g. `{ name: 'size', values: ['S', 'M', 'L'] }`. */
export interface OptionAxis {
  name: string
  values: string[]
}

/** What buyers read of a product: changes to it on an approved product go through review. */
export interface ProductContent {
  title: string
  description: string
  category: string
  brand?: string
  tags: string[]
  options: OptionAxis[]
  images: ProductImage[]
}

/** Edits to an approved product waiting for review; the approved content stays live meanwhile. */
export interface ProductRevisionDTO extends ProductContent {
  submittedAt: string
}

/** What sellers and administrators see of a product: the live content plus review state. */
export interface ProductDTO extends ProductContent {
  id: string
  storeId: string
  status: ProductStatus
  /** The reason of the last rejection (or of an admin decision that gave one). */
  statusReason?: string
  pendingRevision?: ProductRevisionDTO
  /** Why the last revision was refused; cleared when a new revision is approved. */
  revisionRejection?: { reason: string; at: string }
  /** Lowest and highest variant price in kobo; absent while the product has no variants. */
  minPrice?: number
  maxPrice?: number
  inStock: boolean
  variantCount: number
  optionValues: string[]
  submittedAt?: string
  approvedAt?: string
  publishedAt?: string
  /** Hidden from buyers: the store's plan allows fewer live products (docs/plans.md). */
  hiddenByPlan?: true
  archivedAt?: string
  createdAt: string
  updatedAt: string
}

/** One sellable unit (SKU) of a product, with its own price and stock. */
export interface VariantDTO {
  id: string
  productId: string
  storeId: string
  sku: string
  options: Record<string, string>
  /** Kobo. */
  price: number
  compareAtPrice?: number
  stock: number
  lowStockThreshold: number
  weightGrams: number
  createdAt: string
  updatedAt: string
}

export interface ProductDetailDTO extends ProductDTO {
  variants: VariantDTO[]
}

export const MOVEMENT_KINDS = [
  'initial',
  'adjust',
  'set',
  'reserve',
  'undo',
  'release',
  'expire',
  'restock',
] as const
export type MovementKind = (typeof MOVEMENT_KINDS)[number]

/** One change of a variant's stock: the stock log. */
export interface StockMovementDTO {
  id: string
  variantId: string
  kind: MovementKind
  delta: number
  stockAfter: number
  reason: string
  actor: string
  reservationId?: string
  orderGroupId?: string
  /**
   * A keyed restock recorded but not yet confirmed applied: a crash may have come before or
   * after its `$inc`, so `stockAfter` is what it expected and the variant needs a recount.
   */
  unconfirmed?: true
  at: string
}

export const RESERVATION_STATUSES = ['active', 'committed', 'released', 'expired'] as const
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number]

export interface ReservationLineDTO {
  variantId: string
  productId: string
  storeId: string
  quantity: number
}

/** Stock held for a checkout until it is paid (commit), cancelled (release) or expires. */
export interface ReservationDTO {
  id: string
  status: ReservationStatus
  lines: ReservationLineDTO[]
  expiresAt: string
  orderGroupId?: string
  releaseReason?: string
  createdAt: string
}
