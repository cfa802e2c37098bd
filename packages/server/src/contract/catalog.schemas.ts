import {
  type CatalogCategoryDTO,
  type CatalogProductDetailDTO,
  type CatalogProductDTO,
  MOVEMENT_KINDS,
  PRODUCT_STATUSES,
  type ProductDetailDTO,
  type ProductDTO,
  type ProductImage,
  type StockChangeResult,
  type StockMovementDTO,
  type VariantDTO,
} from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, at, count, id, kobo, strict } from './common.schemas.js'

/* The catalog shapes: products, variants, stock, and the public catalog. (The contract: common.schemas.ts.) */

export const productImage = strict({
  id,
  url: z.string().meta({ example: '/media/products/6750a1f2/cover.webp' }),
  storageKey: z.string(),
  store: z.enum(['disk', 'cloudinary']),
  width: count.meta({ example: 1200 }),
  height: count.meta({ example: 1600 }),
  format: z.enum(['jpeg', 'png', 'webp']),
  bytes: count,
}).meta({ id: 'ProductImage' })

const optionAxis = strict({
  name: z.string().meta({ example: 'size' }),
  values: z.array(z.string().meta({ example: 'M' })),
})
const contentFields = {
  title: z.string().meta({ example: 'Adire maxi dress' }),
  description: z.string(),
  category: z.string().meta({ example: 'women' }),
  brand: z.string().optional(),
  tags: z.array(z.string()),
  options: z.array(optionAxis),
  images: z.array(productImage),
}

const productFields = {
  ...contentFields,
  id,
  storeId: id,
  status: z.enum(PRODUCT_STATUSES),
  statusReason: z.string().optional(),
  pendingRevision: strict({ ...contentFields, submittedAt: at }).optional(),
  revisionRejection: strict({ reason: z.string(), at }).optional(),
  minPrice: kobo.optional(),
  maxPrice: kobo.optional(),
  inStock: z.boolean(),
  variantCount: count,
  optionValues: z.array(z.string()),
  submittedAt: at.optional(),
  approvedAt: at.optional(),
  publishedAt: at.optional(),
  archivedAt: at.optional(),
  createdAt: at,
  updatedAt: at,
}
export const productDTO = strict(productFields).meta({ id: 'Product' })

export const optionsMap = z.record(z.string(), z.string()).meta({ example: { size: 'M' } })

export const variantDTO = strict({
  id,
  productId: id,
  storeId: id,
  sku: z.string().meta({ example: 'ADIRE-M' }),
  options: optionsMap,
  price: kobo,
  compareAtPrice: kobo.optional(),
  stock: count,
  lowStockThreshold: count,
  weightGrams: count,
  createdAt: at,
  updatedAt: at,
}).meta({ id: 'Variant' })

export const productDetailDTO = strict({ ...productFields, variants: z.array(variantDTO) }).meta({
  id: 'ProductDetail',
})

export const stockChangeResult = strict({ variant: variantDTO, previous: count })

export const stockMovementDTO = strict({
  id,
  variantId: id,
  kind: z.enum(MOVEMENT_KINDS),
  delta: count,
  stockAfter: count,
  reason: z.string(),
  actor: z.string(),
  reservationId: z.string().optional(),
  orderGroupId: z.string().optional(),
  unconfirmed: z.literal(true).optional(),
  at,
}).meta({ id: 'StockMovement' })

const catalogImage = strict({ url: z.string(), width: count, height: count })
const catalogProductFields = {
  id,
  title: z.string().meta({ example: 'Adire maxi dress' }),
  brand: z.string().optional(),
  category: z.string().meta({ example: 'women' }),
  store: strict({
    id,
    slug: z.string(),
    name: z.string(),
    featured: z
      .literal(true)
      .optional()
      .meta({ description: 'Present when the store’s plan buys featured placement' }),
  }),
  minPrice: kobo,
  maxPrice: kobo,
  currency: z.literal('NGN'),
  inStock: z.boolean(),
  image: catalogImage.optional(),
  publishedAt: at,
}
export const catalogProductDTO = strict(catalogProductFields).meta({ id: 'CatalogProduct' })
export const catalogProductDetailDTO = strict({
  ...catalogProductFields,
  description: z.string(),
  tags: z.array(z.string()),
  options: z.array(optionAxis),
  images: z.array(catalogImage),
  variants: z.array(
    strict({
      id,
      sku: z.string(),
      options: optionsMap,
      price: kobo,
      compareAtPrice: kobo.optional(),
      inStock: z.boolean(),
      availability: z.enum(['in_stock', 'low', 'out_of_stock']),
    }),
  ),
}).meta({ id: 'CatalogProductDetail' })
export const catalogCategoryDTO = strict({
  slug: z.string().meta({ example: 'women' }),
  name: z.string().meta({ example: 'Women' }),
  productCount: count,
}).meta({ id: 'CatalogCategory' })

// Compile-time guards: each schema's output type and its core DTO must be the same type.
export type CatalogSchemasAgree = [
  Assert<Agrees<typeof productImage, ProductImage>>,
  Assert<Agrees<typeof productDTO, ProductDTO>>,
  Assert<Agrees<typeof variantDTO, VariantDTO>>,
  Assert<Agrees<typeof productDetailDTO, ProductDetailDTO>>,
  Assert<Agrees<typeof stockChangeResult, StockChangeResult>>,
  Assert<Agrees<typeof stockMovementDTO, StockMovementDTO>>,
  Assert<Agrees<typeof catalogProductDTO, CatalogProductDTO>>,
  Assert<Agrees<typeof catalogProductDetailDTO, CatalogProductDetailDTO>>,
  Assert<Agrees<typeof catalogCategoryDTO, CatalogCategoryDTO>>,
]
