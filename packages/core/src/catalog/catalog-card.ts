import type { ProductDoc } from './product.model.js'
import type { CatalogImage, CatalogProductDTO, CatalogStoreRef } from './public-catalog.types.js'

/** The product fields a catalog card shows. */
export type CardRow = Pick<
  ProductDoc,
  | '_id'
  | 'title'
  | 'brand'
  | 'category'
  | 'minPrice'
  | 'maxPrice'
  | 'inStock'
  | 'images'
  | 'publishedAt'
>

export const imageOf = (image: { url: string; width: number; height: number }): CatalogImage => ({
  url: image.url,
  width: image.width,
  height: image.height,
})

/** A product's card as the public catalog lists it (the catalog list, wishlists, recommendations). */
export function catalogCardOf(row: CardRow, store: CatalogStoreRef): CatalogProductDTO {
  const cover = row.images?.[0]
  return {
    id: String(row._id),
    title: row.title,
    ...(row.brand ? { brand: row.brand } : {}),
    category: row.category,
    store,
    minPrice: row.minPrice ?? 0,
    maxPrice: row.maxPrice ?? 0,
    currency: 'NGN',
    inStock: row.inStock,
    ...(cover ? { image: imageOf(cover) } : {}),
    publishedAt: (row.publishedAt ?? new Date(0)).toISOString(),
  }
}
