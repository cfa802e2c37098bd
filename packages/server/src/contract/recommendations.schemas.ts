import type { RecommendationDTO, RecommendationsService } from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, catalogProductDTO } from './dto.schemas.js'

/*
 * "Customers also bought" and "for you" (docs/recommendations.md). The service answers these
 * as cached JSON bytes, so only the item and the view receipt have core types to agree with.
 */

const strict = z.strictObject

export const recommendationDTO = strict({
  product: catalogProductDTO,
  reason: z.string().meta({ example: '12 customers bought both' }),
}).meta({ id: 'Recommendation' })

const items = z.array(recommendationDTO).meta({
  description: 'At most 10, at most 3 per store, all in stock',
})
export const alsoBoughtBody = strict({ items })
export const forYouBody = strict({
  source: z.enum(['personal', 'trending']).meta({
    description: '`personal`: from your orders, wishlist and views; `trending`: in your categories',
  }),
  items,
})
export const viewRecordedBody = strict({ recorded: z.literal(true) })

export type RecommendationSchemasAgree = [
  Assert<Agrees<typeof recommendationDTO, RecommendationDTO>>,
  Assert<
    Agrees<typeof viewRecordedBody, Awaited<ReturnType<RecommendationsService['recordView']>>>
  >,
]
