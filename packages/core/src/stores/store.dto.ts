import { FREE_PLAN_DEFAULTS, type PlanPolicy } from '../plans/plan.types.js'
import { addressOf } from '../shared/address.js'
import type { StoreDoc } from './store.model.js'
import type { PublicStoreDTO, StoreDTO } from './store.types.js'

// A store's DTOs (its seller's and administrators' view, the public one) and its name keys.

/** Case- and spacing-insensitive key of a store name; the unique index is on it. */
export function storeNameKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()
}

/** A URL slug from a store name: "Adé's Ankara House" becomes "ades-ankara-house". */
export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 50)
    .replace(/^-+|-+$/g, '')
  return base.length >= 3 ? base : `store${base ? `-${base}` : ''}`
}

export { addressOf }

export function toStoreDTO(store: StoreDoc): StoreDTO {
  return {
    id: String(store._id),
    ownerId: String(store.ownerId),
    name: store.name,
    slug: store.slug,
    description: store.description,
    ...(store.logoUrl ? { logoUrl: store.logoUrl } : {}),
    contactEmail: store.contactEmail,
    contactPhone: store.contactPhone,
    address: addressOf(store.address),
    categories: [...store.categories],
    status: store.status,
    ...(store.statusReason ? { statusReason: store.statusReason } : {}),
    ...(store.closedUntil ? { closedUntil: store.closedUntil.toISOString() } : {}),
    commissionRateBps: store.commissionRateBps,
    plan: planPolicyOf(store),
    ...(store.approvedAt ? { approvedAt: store.approvedAt.toISOString() } : {}),
    createdAt: store.createdAt.toISOString(),
    updatedAt: store.updatedAt.toISOString(),
  }
}

/** The plan policy in force at a store: the free tier's defaults until a plan is applied. */
export function planPolicyOf(store: StoreDoc): PlanPolicy {
  if (!store.plan) return { ...FREE_PLAN_DEFAULTS, commissionRateBps: store.commissionRateBps }
  return {
    code: store.plan.code,
    commissionRateBps: store.commissionRateBps,
    productLimit: store.plan.productLimit ?? null,
    featured: store.plan.featured,
    payoutMinimumKobo: store.plan.payoutMinimumKobo ?? null,
  }
}

export function toPublicStoreDTO(store: StoreDoc): PublicStoreDTO {
  return {
    id: String(store._id),
    name: store.name,
    slug: store.slug,
    description: store.description,
    ...(store.logoUrl ? { logoUrl: store.logoUrl } : {}),
    categories: [...store.categories],
    city: store.address.city,
  }
}
