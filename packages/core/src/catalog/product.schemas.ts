import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'
import { CATEGORY_SLUGS } from '../stores/categories.js'
import { PRODUCT_STATUSES } from './product.types.js'

export const MAX_VARIANTS_PER_PRODUCT = 100
export const MAX_OPTION_AXES = 3
export const MAX_STOCK = 1_000_000

const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id')
const kobo = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

const title = z.string().trim().min(2).max(140)
const description = z.string().trim().max(5000)
const brand = z.string().trim().min(1).max(60)
const tag = z.string().trim().toLowerCase().min(1).max(30)
// Axis names become option keys in DTOs: a conservative pattern keeps `.`, `$` and `__proto__` out.
const axisName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9 _-]{0,29}$/, 'letters, digits, spaces, _ and -, starting with a letter')
const optionValue = z.string().trim().min(1).max(40)

const unique = (values: string[]) =>
  new Set(values.map((v) => v.toLowerCase())).size === values.length

export const optionAxis = z.strictObject({
  name: axisName,
  values: z.array(optionValue).min(1).max(50).refine(unique, 'values must be unique'),
})

const options = z
  .array(optionAxis)
  .max(MAX_OPTION_AXES)
  .refine((axes) => unique(axes.map((a) => a.name)), 'option names must be unique')
const tags = z.array(tag).max(20).refine(unique, 'tags must be unique')

export const createProductBody = z.strictObject({
  title,
  description: description.default(''),
  category: z.enum(CATEGORY_SLUGS),
  brand: brand.optional(),
  tags: tags.default([]),
  options: options.default([]),
})
export type CreateProductBody = z.infer<typeof createProductBody>

/** Content edits. Status, store, prices and stock have their own operations, never this body. */
export const updateProductBody = z
  .strictObject({
    title: title.optional(),
    description: description.optional(),
    category: z.enum(CATEGORY_SLUGS).optional(),
    brand: brand.nullable().optional(),
    tags: tags.optional(),
    options: options.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change')
export type UpdateProductBody = z.infer<typeof updateProductBody>

export const listOwnProductsQuery = pageQuery.extend({
  status: z.enum(PRODUCT_STATUSES).optional(),
  q: z.string().trim().min(1).max(100).optional(),
})
export type ListOwnProductsQuery = z.infer<typeof listOwnProductsQuery>

export const listProductsQuery = pageQuery.extend({
  status: z.enum(PRODUCT_STATUSES).optional(),
  store: objectId.optional(),
  /** `pending`: only products with an edit waiting for review. */
  revision: z.enum(['pending']).optional(),
})
export type ListProductsQuery = z.infer<typeof listProductsQuery>

const sku = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9._-]{0,63}$/, 'letters, digits, ., _ and -, at most 64')
// Keys are checked against the product's option axes by the service.
const variantOptions = z.record(axisName, optionValue)
const compareAtAbovePrice = (v: { price?: number; compareAtPrice?: number | null }) =>
  v.compareAtPrice == null || v.price === undefined || v.compareAtPrice > v.price

export const createVariantBody = z
  .strictObject({
    sku,
    options: variantOptions.default({}),
    price: kobo,
    compareAtPrice: kobo.optional(),
    stock: z.number().int().min(0).max(MAX_STOCK).default(0),
    lowStockThreshold: z.number().int().min(0).max(MAX_STOCK).default(3),
    weightGrams: z.number().int().min(0).max(1_000_000).default(0),
  })
  .refine(compareAtAbovePrice, { message: 'must be above price', path: ['compareAtPrice'] })
export type CreateVariantBody = z.infer<typeof createVariantBody>

/** Variant edits; stock changes only through the stock operation. `compareAtPrice: null` clears it. */
export const updateVariantBody = z
  .strictObject({
    sku: sku.optional(),
    options: variantOptions.optional(),
    price: kobo.optional(),
    compareAtPrice: kobo.nullable().optional(),
    lowStockThreshold: z.number().int().min(0).max(MAX_STOCK).optional(),
    weightGrams: z.number().int().min(0).max(1_000_000).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change')
  .refine(compareAtAbovePrice, { message: 'must be above price', path: ['compareAtPrice'] })
export type UpdateVariantBody = z.infer<typeof updateVariantBody>

const stockReason = z.string().trim().min(3).max(200)

/** A seller's stock change: exactly one of `set` (a count) or `delta` (a correction). */
export const stockChangeBody = z
  .strictObject({
    set: z.number().int().min(0).max(MAX_STOCK).optional(),
    delta: z
      .number()
      .int()
      .min(-MAX_STOCK)
      .max(MAX_STOCK)
      .refine((d) => d !== 0, 'must not be 0')
      .optional(),
    reason: stockReason,
  })
  .refine((body) => (body.set === undefined) !== (body.delta === undefined), {
    message: 'give exactly one of set or delta',
    path: ['set'],
  })
export type StockChangeBody = z.infer<typeof stockChangeBody>

export const stockMovementsQuery = pageQuery
export type StockMovementsQuery = z.infer<typeof stockMovementsQuery>

/** `inventory.unconfirmedMovements`: how many of the newest to list (administrators, jobs). */
export const unconfirmedMovementsQuery = z.strictObject({ limit: pageQuery.shape.limit })
export type UnconfirmedMovementsQuery = z.input<typeof unconfirmedMovementsQuery>

export const reserveItems = z
  .array(z.strictObject({ variantId: objectId, quantity: z.number().int().min(1).max(1000) }))
  .min(1)
  .max(100)
  .refine(
    (items) => new Set(items.map((i) => i.variantId)).size === items.length,
    'one line per variant',
  )
export type ReserveItem = z.infer<typeof reserveItems>[number]

/**
 * A restock by the platform (a refund, a return): the caller's key makes a repeat apply once,
 * so it must name the cause, e.g. `refund:<refundId>:<variantId>`.
 */
export const restockInput = z.strictObject({
  variantId: objectId,
  quantity: z.number().int().min(1).max(MAX_STOCK),
  // Stored verbatim as the movement's unique key. Internal keys start with an id or with
  // `adjust:` / `set:`; a cause prefix of letters keeps a restock from ever taking one of them.
  key: z
    .string()
    .max(200)
    .regex(/^[a-z][a-z-]*:[A-Za-z0-9:._-]+$/, 'a cause, a colon, then letters, digits and : . _ -')
    .refine((key) => !/^(adjust|set):/.test(key), 'adjust: and set: are taken'),
  reason: z.string().trim().min(1).max(300),
  refs: z.strictObject({ orderGroupId: z.string().min(1).max(100).optional() }).optional(),
})
export type RestockInput = z.infer<typeof restockInput>
