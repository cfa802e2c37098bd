import type { StoreDTO } from '../stores/store.types.js'
import type { OptionAxis, ProductStatus } from './product.types.js'

/** The store a catalog product belongs to, as buyers see it on a product card. */
export interface CatalogStoreRef {
  id: string
  slug: string
  name: string
  /** The store's plan buys featured placement (docs/plans.md). */
  featured?: true
}

/** An image as buyers see it: no storage details. */
export interface CatalogImage {
  url: string
  width: number
  height: number
}

/** One product in a catalog list: enough for a product card. */
export interface CatalogProductDTO {
  id: string
  title: string
  brand?: string
  category: string
  store: CatalogStoreRef
  /** Lowest and highest variant price, kobo. */
  minPrice: number
  maxPrice: number
  currency: 'NGN'
  inStock: boolean
  /** The cover image (the first one), when the product has images. */
  image?: CatalogImage
  /** When the product first went live ("new in"). */
  publishedAt: string
}

/** How much of a variant is left, without the count: sellers' stock numbers stay private. */
export type Availability = 'in_stock' | 'low' | 'out_of_stock'

export interface CatalogVariantDTO {
  id: string
  sku: string
  options: Record<string, string>
  /** Kobo. */
  price: number
  compareAtPrice?: number
  inStock: boolean
  /** `low` when the stock is at or under the seller's low-stock threshold. */
  availability: Availability
}

/** A product page. */
export interface CatalogProductDetailDTO extends CatalogProductDTO {
  description: string
  tags: string[]
  options: OptionAxis[]
  images: CatalogImage[]
  variants: CatalogVariantDTO[]
}

export interface CatalogCategoryDTO {
  slug: string
  name: string
  /** Visible products in the category right now. */
  productCount: number
}

/**
 * A catalog answer as it is cached: the serialized JSON body and its entity tag, so a warm
 * request costs a cache read and no serialization.
 */
export interface CachedJson {
  body: string
  etag: string
}

/**
 * A variant as the cart and checkout read it: its price and stock now, its product's title and
 * status, its store, and whether a buyer can buy it now. Internal: never sent to clients as is.
 */
export interface CheckoutVariantView {
  variantId: string
  productId: string
  storeId: string
  sku: string
  options: { name: string; value: string }[]
  /** Kobo. */
  price: number
  stock: number
  title: string
  productStatus: ProductStatus
  store: StoreDTO
  /** Approved product of a store that is approved and not on holiday, at the time asked. */
  sellable: boolean
}
