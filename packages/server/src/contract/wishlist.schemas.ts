import type { Page, WishlistItemDTO, WishlistsService } from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, catalogProductDTO, pageOf, storeDTO } from './dto.schemas.js'

/* A buyer's wishlist (docs/wishlists.md), guarded against its core DTO like dto.schemas.ts. */

const strict = z.strictObject
const { id, createdAt: at } = storeDTO.shape
const { minPrice: kobo } = catalogProductDTO.shape

export const wishlistItemDTO = strict({
  id,
  productId: id,
  variantId: z.string().nullable().meta({ description: 'null: the whole product was saved' }),
  variantOptions: z
    .record(z.string(), z.string())
    .nullable()
    .meta({ example: { size: 'M' } }),
  product: catalogProductDTO
    .nullable()
    .meta({ description: 'null once the product left the catalog (archived, store closed)' }),
  price: kobo.nullable().meta({ description: 'Kobo now; null when unavailable', example: 2200000 }),
  savedPrice: kobo.meta({ description: 'Kobo when saved', example: 2500000 }),
  priceDropped: z.boolean().meta({ description: '`price` is below `savedPrice`' }),
  availability: z.enum(['in_stock', 'low', 'out_of_stock', 'unavailable']),
  alerts: strict({ backInStock: z.boolean(), priceDrop: z.boolean() }),
  savedAt: at,
}).meta({ id: 'WishlistItem' })

export const wishlistPage = pageOf(wishlistItemDTO)
export const wishlistItemBody = strict({ item: wishlistItemDTO })
export const removedBody = strict({ removed: z.literal(true) })

export type WishlistSchemasAgree = [
  Assert<Agrees<typeof wishlistItemDTO, WishlistItemDTO>>,
  Assert<Agrees<typeof wishlistPage, Page<WishlistItemDTO>>>,
  Assert<Agrees<typeof removedBody, Awaited<ReturnType<WishlistsService['remove']>>>>,
]
