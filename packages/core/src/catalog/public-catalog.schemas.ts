import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'
import { CATEGORY_SLUGS } from '../stores/categories.js'

export const CATALOG_SORTS = ['newest', 'price_asc', 'price_desc', 'popular'] as const
export type CatalogSort = (typeof CATALOG_SORTS)[number]

const kobo = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const optionValue = z.string().trim().min(1).max(40)

const catalogFilters = {
  ...pageQuery.shape,
  /** Words of the title, brand, tags and option values; each word matches as a prefix. */
  q: z.string().trim().min(1).max(100).optional(),
  category: z.enum(CATEGORY_SLUGS).optional(),
  /** A store's slug or id. */
  store: z.string().trim().min(1).max(100).optional(),
  brand: z.string().trim().min(1).max(60).optional(),
  size: optionValue.optional(),
  colour: optionValue.optional(),
  /** Bounds on the product's lowest variant price, in kobo. */
  minPrice: kobo.optional(),
  maxPrice: kobo.optional(),
  inStock: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  sort: z.enum(CATALOG_SORTS).default('newest'),
  /** Only products of stores whose plan buys featured placement (docs/plans.md). */
  featured: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
}

const priceRangeInOrder = (query: {
  minPrice?: number | undefined
  maxPrice?: number | undefined
}) =>
  query.minPrice === undefined || query.maxPrice === undefined || query.minPrice <= query.maxPrice

/** `GET /api/v1/products`: strict, so a misspelt filter is a 400 rather than silently ignored. */
export const catalogQuery = z
  .strictObject(catalogFilters)
  .refine(priceRangeInOrder, { message: 'must not be above maxPrice', path: ['minPrice'] })
export type CatalogQuery = z.infer<typeof catalogQuery>

/** `GET /api/v1/stores/:slug/products`: the same filters, the store comes from the path. */
const { store: _store, ...storeFilters } = catalogFilters
export const storeCatalogQuery = z
  .strictObject(storeFilters)
  .refine(priceRangeInOrder, { message: 'must not be above maxPrice', path: ['minPrice'] })
export type StoreCatalogQuery = z.infer<typeof storeCatalogQuery>
