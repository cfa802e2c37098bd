import { addressSchema, type PublicStoreDTO, STORE_STATUSES, type StoreDTO } from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, at, count, id, strict } from './common.schemas.js'

/* The store shapes: a store as its seller and administrators see it, the public store, the plan policy. (The contract: common.schemas.ts.) */

// The postal address is core's one schema (rules and examples), named once in the document.
const address = addressSchema.meta({ id: 'Address' })

/** A seller plan's policy, as written onto its stores (docs/plans.md). */
export const planPolicy = strict({
  code: z.string().meta({ example: 'free' }),
  commissionRateBps: count.meta({ example: 500 }),
  productLimit: count.nullable().meta({ description: 'null: unlimited', example: 20 }),
  featured: z.boolean(),
  payoutMinimumKobo: count
    .nullable()
    .meta({ description: "null: the marketplace's PAYOUT_MINIMUM_KOBO", example: null }),
}).meta({ id: 'PlanPolicy' })

export const storeDTO = strict({
  id,
  ownerId: id,
  name: z.string().meta({ example: 'Adire House' }),
  slug: z.string().meta({ example: 'adire-house' }),
  description: z.string(),
  logoUrl: z.string().optional(),
  contactEmail: z.string(),
  contactPhone: z.string(),
  address,
  categories: z.array(z.string().meta({ example: 'women' })),
  status: z.enum(STORE_STATUSES),
  statusReason: z.string().optional(),
  closedUntil: at.optional(),
  commissionRateBps: count.meta({ example: 500 }),
  plan: planPolicy,
  approvedAt: at.optional(),
  createdAt: at,
  updatedAt: at,
}).meta({ id: 'Store' })

export const publicStoreDTO = strict({
  id,
  name: z.string().meta({ example: 'Adire House' }),
  slug: z.string().meta({ example: 'adire-house' }),
  description: z.string(),
  logoUrl: z.string().optional(),
  categories: z.array(z.string()),
  city: z.string().meta({ example: 'Lagos' }),
}).meta({ id: 'PublicStore' })

// Compile-time guards: each schema's output type and its core DTO must be the same type.
export type StoresSchemasAgree = [
  Assert<Agrees<typeof storeDTO, StoreDTO>>,
  Assert<Agrees<typeof publicStoreDTO, PublicStoreDTO>>,
]
