import type { PlanPolicy } from '../plans/plan.types.js'
import type { Address } from '../shared/address.js'

/** Store lifecycle (store.transitions.ts holds the table). */
export const STORE_STATUSES = ['pending', 'approved', 'rejected', 'suspended', 'closed'] as const
export type StoreStatus = (typeof STORE_STATUSES)[number]

/** What the API and the CLI show of a store. */
export interface StoreDTO {
  id: string
  ownerId: string
  name: string
  slug: string
  description: string
  logoUrl?: string
  contactEmail: string
  contactPhone: string
  address: Address
  categories: string[]
  status: StoreStatus
  statusReason?: string
  /** Holiday mode: products are hidden from checkout (and the catalog) until this time. */
  closedUntil?: string
  /** Platform commission in basis points (500 = 5%), frozen on each order when it is placed. */
  commissionRateBps: number
  /** The seller plan in force (docs/plans.md); its commission is `commissionRateBps`. */
  plan: PlanPolicy
  /** When an administrator last approved (or reinstated) the store. */
  approvedAt?: string
  createdAt: string
  updatedAt: string
}

/** The public face of a store (catalog pages): no contact details or owner id. */
export interface PublicStoreDTO {
  id: string
  name: string
  slug: string
  description: string
  logoUrl?: string
  categories: string[]
  city: string
}

/**
 * What other features (catalog, checkout) need from stores. StoresService implements it;
 * features take it in their deps instead of reaching into the store model.
 */
export interface StoreLookup {
  /** The signed-in seller's own store. @throws NotFoundError when they have none. */
  requireOwnStore(ctx: import('../shared/ctx.js').Ctx): Promise<StoreDTO>
  /** Any store by id, no authorization (internal use). @throws NotFoundError */
  getStore(storeId: string): Promise<StoreDTO>
  /** Stores by id, for listing pages; unknown ids are left out. */
  getStores(storeIds: string[]): Promise<StoreDTO[]>
  /** Ids of the stores whose products buyers can see and buy right now. */
  sellableStoreIds(now: Date): Promise<string[]>
}

/** True when buyers can see and buy from the store: approved and not on holiday. */
export function isStoreSellable(
  store: Pick<StoreDTO, 'status' | 'closedUntil'>,
  now: Date,
): boolean {
  return store.status === 'approved' && !(store.closedUntil && new Date(store.closedUntil) > now)
}
