import type { Types } from 'mongoose'
import type { ContentDoc, ProductModel } from './product.model.js'
import type { VariantModel } from './variant.model.js'

/** Lower-cases and strips accents, so that "Agbádá" is found by "agbada" without collation. */
export function normalizeText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
}

/** Distinct normalized words of a text. */
export function wordsOf(value: string): string[] {
  return normalizeText(value)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
}

/** The product's `searchText`: the distinct words of its live title, brand, tags and option values. */
export function searchTextOf(
  content: Pick<ContentDoc, 'title' | 'brand' | 'tags' | 'options'>,
): string {
  const parts = [
    content.title,
    content.brand ?? '',
    ...content.tags,
    ...content.options.flatMap((o) => o.values),
  ]
  return [...new Set(parts.flatMap(wordsOf))].join(' ')
}

/**
 * Recomputes the variant-derived fields of a product (price range, in stock, option values,
 * variant count) from its variants, read fresh. Called after every variant, price or
 * zero-crossing stock change; last writer wins, and each writer read after its own write.
 */
export async function refreshProductSummary(
  models: { products: ProductModel; variants: VariantModel },
  productId: Types.ObjectId | string,
): Promise<void> {
  const variants = await models.variants.find({ productId }).lean()
  const prices = variants.map((v) => v.price)
  const optionValues = [
    ...new Set(
      variants.flatMap((v) => v.options.map((o) => normalizeText(`${o.name}:${o.value}`))),
    ),
  ].sort()
  const set = {
    inStock: variants.some((v) => v.stock > 0),
    variantCount: variants.length,
    optionValues,
  }
  await models.products.updateOne(
    { _id: productId },
    prices.length
      ? { $set: { ...set, minPrice: Math.min(...prices), maxPrice: Math.max(...prices) } }
      : { $set: set, $unset: { minPrice: 1, maxPrice: 1 } },
  )
}
