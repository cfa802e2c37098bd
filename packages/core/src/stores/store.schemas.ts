import { z } from 'zod'
import { email } from '../accounts/account.schemas.js'
import { addressSchema, phoneNumber } from '../shared/address.js'
import { pageQuery } from '../shared/paging.js'
import { CATEGORY_SLUGS } from './categories.js'
import { STORE_STATUSES } from './store.types.js'

export const STORE_SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/

const storeName = z.string().trim().min(2).max(80)
const description = z.string().trim().min(10).max(2000)
const logoUrl = z
  .string()
  .trim()
  .max(2048)
  .pipe(z.url({ protocol: /^https?$/ }))
const categories = z
  .array(z.enum(CATEGORY_SLUGS))
  .min(1)
  .max(CATEGORY_SLUGS.length)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a category')

export const storeSlug = z
  .string()
  .min(3)
  .max(60)
  .regex(STORE_SLUG_PATTERN, 'lower-case letters and digits in groups joined by single hyphens')

export const registerStoreBody = z.strictObject({
  name: storeName,
  slug: storeSlug.optional(),
  description,
  logoUrl: logoUrl.optional(),
  contactEmail: email,
  contactPhone: phoneNumber,
  address: addressSchema,
  categories,
})
export type RegisterStoreBody = z.infer<typeof registerStoreBody>

/** A seller's edit. The slug stays as registered (links to the store keep working). */
export const updateStoreBody = z
  .strictObject({
    name: storeName.optional(),
    description: description.optional(),
    /** `null` removes the logo. */
    logoUrl: logoUrl.nullable().optional(),
    contactEmail: email.optional(),
    contactPhone: phoneNumber.optional(),
    /** Replaces the whole address. */
    address: addressSchema.optional(),
    categories: categories.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'nothing to change',
  })
export type UpdateStoreBody = z.infer<typeof updateStoreBody>

/** Holiday mode: `until` hides the store's products from checkout until then; `null` ends it. */
export const storeHolidayBody = z.strictObject({
  until: z.iso.datetime({ offset: true }).nullable(),
})
export type StoreHolidayBody = z.infer<typeof storeHolidayBody>

export const listStoresQuery = pageQuery.extend({ status: z.enum(STORE_STATUSES).optional() })
export type ListStoresQuery = z.infer<typeof listStoresQuery>

/** Reject and suspend: the seller is told why. */
export const storeReasonBody = z.strictObject({ reason: z.string().trim().min(3).max(500) })
export type StoreReasonBody = z.infer<typeof storeReasonBody>

/** Approve, reinstate and close: a note for the audit log and the seller, if any. */
export const storeDecisionBody = z.strictObject({ reason: z.string().trim().max(500).optional() })
export type StoreDecisionBody = z.infer<typeof storeDecisionBody>
