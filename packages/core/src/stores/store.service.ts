import { randomBytes } from 'node:crypto'
import type { People } from '../accounts/people.port.js'
import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates, type RenderedMail } from '../mail/templates.js'
import { FREE_PLAN_CODE, FREE_PLAN_DEFAULTS, type PlanPolicy } from '../plans/plan.types.js'
import {
  actorId,
  type Ctx,
  describeActor,
  requireAdminOrSystem,
  requireRole,
} from '../shared/ctx.js'
import {
  ChangedMeanwhileError,
  ConflictError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
} from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { assertTransition } from '../shared/transitions.js'
import type { StoreDoc, StoreModel, StorePlanDoc } from './store.model.js'
import type {
  ListStoresQuery,
  RegisterStoreBody,
  StoreDecisionBody,
  StoreHolidayBody,
  StoreReasonBody,
  UpdateStoreBody,
} from './store.schemas.js'
import { storeTransitions } from './store.transitions.js'
import {
  isStoreSellable,
  type PublicStoreDTO,
  type StoreAddress,
  type StoreDTO,
  type StoreLookup,
  type StoreStatus,
} from './store.types.js'

export interface StoresDeps {
  stores: StoreModel
  people: People
  audit: AuditService
  mail: MailService
  events: EventBus
  publicUrl: string
  /** The free tier's policy for a new store (plans feature); absent: its built-in defaults. */
  freePlanPolicy?: () => Promise<PlanPolicy>
}

/** The platform's commission for a new store: 5%. */
export const DEFAULT_COMMISSION_BPS = 500
/** The longest holiday a seller can set in one go. */
export const MAX_HOLIDAY_DAYS = 365

type Decision = 'approved' | 'rejected' | 'suspended' | 'reinstated' | 'closed'

/**
 * Each admin verb, the status it moves to, and (for the two verbs that both lead to approved)
 * the only status it starts from, so "approve" cannot quietly lift a suspension.
 */
const decisions: Record<Decision, { to: StoreStatus; from?: StoreStatus }> = {
  approved: { to: 'approved', from: 'pending' },
  rejected: { to: 'rejected' },
  suspended: { to: 'suspended' },
  reinstated: { to: 'approved', from: 'suspended' },
  closed: { to: 'closed' },
}

const DAY_MS = 24 * 3600 * 1000

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

const addressOf = (a: StoreAddress): StoreAddress => ({
  line1: a.line1,
  ...(a.line2 ? { line2: a.line2 } : {}),
  city: a.city,
  state: a.state,
  country: a.country,
  ...(a.postalCode ? { postalCode: a.postalCode } : {}),
})

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
function planPolicyOf(store: StoreDoc): PlanPolicy {
  if (!store.plan) return { ...FREE_PLAN_DEFAULTS, commissionRateBps: store.commissionRateBps }
  return {
    code: store.plan.code,
    commissionRateBps: store.commissionRateBps,
    productLimit: store.plan.productLimit ?? null,
    featured: store.plan.featured,
    payoutMinimumKobo: store.plan.payoutMinimumKobo ?? null,
  }
}

const planDocOf = (policy: PlanPolicy): StorePlanDoc => ({
  code: policy.code,
  ...(policy.productLimit === null ? {} : { productLimit: policy.productLimit }),
  featured: policy.featured,
  ...(policy.payoutMinimumKobo === null ? {} : { payoutMinimumKobo: policy.payoutMinimumKobo }),
})

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

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000

/**
 * Stores: a seller registers and edits their one store, administrators decide on it, buyers see
 * sellable ones. Every status change is a compare-and-set on the status it was read in, checked
 * against `storeTransitions`.
 */
export class StoresService implements StoreLookup {
  constructor(private deps: StoresDeps) {}

  // ---- seller ------------------------------------------------------------------------------

  /**
   * Registers the signed-in seller's store, pending review.
   * @throws ConflictError `store_exists` (one store per seller), `store_name_taken`,
   *   `store_slug_taken` (a proposed slug in use).
   */
  async register(ctx: Ctx, input: RegisterStoreBody): Promise<StoreDTO> {
    const ownerId = requireRole(ctx, 'seller')
    if (await this.deps.stores.exists({ ownerId })) {
      throw new ConflictError('You already have a store', 'store_exists')
    }
    const nameKey = storeNameKey(input.name)
    await this.assertNameFree(nameKey)
    const policy = this.deps.freePlanPolicy ? await this.deps.freePlanPolicy() : undefined
    if (input.slug && (await this.deps.stores.exists({ slug: input.slug }))) throw slugTaken()

    // A generated slug can lose a race to another registration: pick again, a few times.
    for (let attempt = 0; ; attempt++) {
      const slug = input.slug ?? (await this.freeSlug(slugify(input.name), attempt > 0))
      try {
        const store = await this.deps.stores.create({
          ownerId,
          name: input.name,
          nameKey,
          slug,
          description: input.description,
          ...(input.logoUrl ? { logoUrl: input.logoUrl } : {}),
          contactEmail: input.contactEmail,
          contactPhone: input.contactPhone,
          address: addressOf(input.address),
          categories: [...input.categories],
          status: 'pending',
          commissionRateBps: policy?.commissionRateBps ?? DEFAULT_COMMISSION_BPS,
          ...(policy ? { plan: planDocOf(policy) } : {}),
        })
        await this.deps.events.emit('store.registered', { storeId: String(store._id) })
        return toStoreDTO(store)
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        if (await this.deps.stores.exists({ ownerId })) {
          throw new ConflictError('You already have a store', 'store_exists')
        }
        await this.assertNameFree(nameKey)
        if (input.slug || attempt >= 2) throw slugTaken()
      }
    }
  }

  /** The signed-in seller's own store. @throws NotFoundError when they have none. */
  async requireOwnStore(ctx: Ctx): Promise<StoreDTO> {
    return toStoreDTO(await this.ownDoc(ctx))
  }

  /**
   * Edits the seller's own store. Editing a rejected store resubmits it for review (rejected ->
   * pending). @throws NotFoundError, ConflictError `store_name_taken`, InvalidStateError when
   * the store is closed.
   */
  async updateOwn(ctx: Ctx, input: UpdateStoreBody): Promise<StoreDTO> {
    const store = await this.ownDoc(ctx)
    if (store.status === 'closed') throw storeClosed()
    const $set: Record<string, unknown> = {}
    const $unset: Record<string, 1> = {}
    if (input.name !== undefined) {
      const nameKey = storeNameKey(input.name)
      if (nameKey !== store.nameKey) await this.assertNameFree(nameKey)
      $set.name = input.name
      $set.nameKey = nameKey
    }
    if (input.description !== undefined) $set.description = input.description
    if (input.logoUrl === null) $unset.logoUrl = 1
    else if (input.logoUrl !== undefined) $set.logoUrl = input.logoUrl
    if (input.contactEmail !== undefined) $set.contactEmail = input.contactEmail
    if (input.contactPhone !== undefined) $set.contactPhone = input.contactPhone
    if (input.address !== undefined) $set.address = addressOf(input.address)
    if (input.categories !== undefined) $set.categories = [...input.categories]
    const resubmitted = store.status === 'rejected'
    if (resubmitted) {
      assertTransition(storeTransitions, store.status, 'pending', 'Store')
      $set.status = 'pending'
      $unset.statusReason = 1
    }

    let updated: StoreDoc | null
    try {
      updated = await this.deps.stores.findOneAndUpdate(
        { _id: store._id, status: store.status },
        { $set, ...(Object.keys($unset).length ? { $unset } : {}) },
        { returnDocument: 'after' },
      )
    } catch (error) {
      // A rename that lost a race trips the unique index; engines report it differently.
      if (typeof $set.nameKey === 'string') await this.assertNameFree($set.nameKey, store._id)
      throw error
    }
    if (!updated) throw changedMeanwhile()
    const storeId = String(store._id)
    if (resubmitted)
      await this.deps.audit.record(ctx, 'store.resubmitted', { type: 'store', id: storeId })
    await this.deps.events.emit('store.updated', { storeId })
    return toStoreDTO(updated)
  }

  /**
   * Sets or ends holiday mode: while `closedUntil` is ahead, the store's products are hidden from
   * the catalog and checkout; the status does not change.
   * @throws ValidationError for a time not in the future or too far ahead, InvalidStateError
   *   when the store is closed.
   */
  async setHoliday(ctx: Ctx, input: StoreHolidayBody): Promise<StoreDTO> {
    const store = await this.ownDoc(ctx)
    if (store.status === 'closed') throw storeClosed()
    let update: Record<string, unknown>
    if (input.until === null) {
      update = { $unset: { closedUntil: 1 } }
    } else {
      const until = new Date(input.until)
      if (until.getTime() <= ctx.now.getTime()) {
        throw new ValidationError('Invalid input', { until: 'must be in the future' })
      }
      if (until.getTime() > ctx.now.getTime() + MAX_HOLIDAY_DAYS * DAY_MS) {
        throw new ValidationError('Invalid input', {
          until: `must be within ${MAX_HOLIDAY_DAYS} days`,
        })
      }
      update = { $set: { closedUntil: until } }
    }
    const updated = await this.deps.stores.findOneAndUpdate(
      { _id: store._id, status: store.status },
      update,
      { returnDocument: 'after' },
    )
    if (!updated) throw changedMeanwhile()
    await this.deps.events.emit('store.updated', { storeId: String(store._id) })
    return toStoreDTO(updated)
  }

  // ---- public ------------------------------------------------------------------------------

  /** A store's public page. @throws NotFoundError unless the store is sellable now. */
  async getPublic(ctx: Ctx, slug: string): Promise<PublicStoreDTO> {
    const store = await this.deps.stores.findOne({ slug: slug.toLowerCase() }).lean()
    if (!store || !isStoreSellable(toStoreDTO(store), ctx.now)) throw new NotFoundError('Store')
    return toPublicStoreDTO(store)
  }

  // ---- administrators ----------------------------------------------------------------------

  /** Lists stores newest first, optionally by status, a page at a time. */
  async list(ctx: Ctx, query: ListStoresQuery): Promise<Page<StoreDTO>> {
    requireRole(ctx, 'admin')
    const filter: Record<string, unknown> = {}
    if (query.status) filter.status = query.status
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.stores
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toStoreDTO, idCursorOf)
  }

  /** One store by id or slug. @throws NotFoundError */
  async get(ctx: Ctx, idOrSlug: string): Promise<StoreDTO> {
    requireRole(ctx, 'admin')
    return toStoreDTO(await this.find(idOrSlug))
  }

  /** Approves a pending store. @throws InvalidStateError unless the store is pending. */
  async approve(ctx: Ctx, idOrSlug: string, input: StoreDecisionBody = {}): Promise<StoreDTO> {
    return this.decide(ctx, idOrSlug, 'approved', input.reason)
  }

  /** Rejects a pending store; the seller may edit and resubmit. @throws InvalidStateError */
  async reject(ctx: Ctx, idOrSlug: string, input: StoreReasonBody): Promise<StoreDTO> {
    return this.decide(ctx, idOrSlug, 'rejected', requireReason(input))
  }

  /** Suspends an approved store: its products leave the catalog. @throws InvalidStateError */
  async suspend(ctx: Ctx, idOrSlug: string, input: StoreReasonBody): Promise<StoreDTO> {
    return this.decide(ctx, idOrSlug, 'suspended', requireReason(input))
  }

  /** Lifts a suspension. @throws InvalidStateError unless the store is suspended. */
  async reinstate(ctx: Ctx, idOrSlug: string, input: StoreDecisionBody = {}): Promise<StoreDTO> {
    return this.decide(ctx, idOrSlug, 'reinstated', input.reason)
  }

  /**
   * Closes an approved or suspended store for good. With `dryRun` it only checks that the store
   * can be closed and returns it unchanged: no write, no audit entry, no mail.
   * @throws InvalidStateError unless the store is approved or suspended.
   */
  async close(
    ctx: Ctx,
    idOrSlug: string,
    input: StoreDecisionBody = {},
    options: { dryRun?: boolean } = {},
  ): Promise<StoreDTO> {
    if (options.dryRun) return toStoreDTO(await this.decidable(ctx, idOrSlug, 'closed'))
    return this.decide(ctx, idOrSlug, 'closed', input.reason)
  }

  // ---- StoreLookup (other features) ----------------------------------------------------------

  /** Any store by id, no authorization (internal use). @throws NotFoundError */
  async getStore(storeId: string): Promise<StoreDTO> {
    const store = isId(storeId) ? await this.deps.stores.findById(storeId).lean() : null
    if (!store) throw new NotFoundError('Store')
    return toStoreDTO(store)
  }

  /** Stores by id, in no particular order; unknown ids are left out. */
  async getStores(storeIds: string[]): Promise<StoreDTO[]> {
    const ids = [...new Set(storeIds.filter(isId))]
    if (ids.length === 0) return []
    const rows = await this.deps.stores.find({ _id: op({ $in: ids }) }).lean()
    return rows.map(toStoreDTO)
  }

  /** Ids of the stores whose products buyers can see and buy at `now`. */
  async sellableStoreIds(now: Date): Promise<string[]> {
    const rows = await this.deps.stores
      .find({
        status: 'approved',
        $or: [{ closedUntil: op({ $exists: false }) }, { closedUntil: op({ $lte: now }) }],
      })
      .select({ _id: 1 })
      .lean()
    return rows.map((row) => String(row._id))
  }

  // ---- seller plans (plans feature) ----------------------------------------------------------

  /**
   * Puts a plan's policy in force at a store: its commission (frozen on each order placed from
   * now on), product limit, featured placement and payout minimum. Internal: the plans feature
   * calls it when a store's tier changes. @throws NotFoundError for an unknown store.
   */
  async applyPlanPolicy(ctx: Ctx, storeId: string, policy: PlanPolicy): Promise<StoreDTO> {
    requireAdminOrSystem(ctx)
    const updated = isId(storeId)
      ? await this.deps.stores.findOneAndUpdate(
          { _id: storeId },
          { $set: { commissionRateBps: policy.commissionRateBps, plan: planDocOf(policy) } },
          { returnDocument: 'after' },
        )
      : null
    if (!updated) throw new NotFoundError('Store')
    await this.deps.events.emit('store.updated', { storeId })
    return toStoreDTO(updated)
  }

  /**
   * Puts the free tier's (changed) policy in force at every store on it, including stores that
   * never had a plan. Returns how many stores it changed.
   */
  async applyFreePlanPolicy(ctx: Ctx, policy: PlanPolicy): Promise<number> {
    requireAdminOrSystem(ctx)
    const result = await this.deps.stores.updateMany(
      { $or: [{ 'plan.code': FREE_PLAN_CODE }, { plan: op({ $exists: false }) }] },
      { $set: { commissionRateBps: policy.commissionRateBps, plan: planDocOf(policy) } },
    )
    return result.modifiedCount
  }

  // ---- internals ---------------------------------------------------------------------------

  private async ownDoc(ctx: Ctx): Promise<StoreDoc> {
    const ownerId = requireRole(ctx, 'seller')
    const store = await this.deps.stores.findOne({ ownerId }).lean()
    if (!store) throw new NotFoundError('Store')
    return store
  }

  private async find(idOrSlug: string): Promise<StoreDoc> {
    const key = idOrSlug.trim()
    // A 24-hex slug is possible, so an id that matches nothing is tried as a slug.
    const store =
      (isId(key) ? await this.deps.stores.findById(key).lean() : null) ??
      (await this.deps.stores.findOne({ slug: key.toLowerCase() }).lean())
    if (!store) throw new NotFoundError('Store')
    return store
  }

  /** @throws ConflictError `store_name_taken` when another store has the name. */
  private async assertNameFree(nameKey: string, exceptId?: StoreDoc['_id']): Promise<void> {
    const filter: Record<string, unknown> = { nameKey }
    if (exceptId) filter._id = op({ $ne: exceptId })
    if (await this.deps.stores.exists(filter)) {
      throw new ConflictError('A store with this name already exists', 'store_name_taken')
    }
  }

  /** The first free of `base`, `base-2` ... `base-9`, else `base-<random>`. */
  private async freeSlug(base: string, randomOnly: boolean): Promise<string> {
    const random = () => `${base}-${randomBytes(3).toString('hex')}`
    if (randomOnly) return random()
    const candidates = [base, ...Array.from({ length: 8 }, (_, i) => `${base}-${i + 2}`)]
    const taken = new Set(
      (
        await this.deps.stores
          .find({ slug: op({ $in: candidates }) })
          .select({ slug: 1 })
          .lean()
      ).map((row) => row.slug),
    )
    return candidates.find((slug) => !taken.has(slug)) ?? random()
  }

  /**
   * The store an administrator may take `decision` on, as it is now.
   * @throws InvalidStateError when its status does not allow the decision.
   */
  private async decidable(ctx: Ctx, idOrSlug: string, decision: Decision): Promise<StoreDoc> {
    requireRole(ctx, 'admin')
    const store = await this.find(idOrSlug)
    const { to, from } = decisions[decision]
    if (from && store.status !== from) {
      throw new InvalidStateError(
        `Only a ${from} store can be ${decision}; this one is ${store.status}`,
        'invalid_transition',
        { from: store.status, to },
      )
    }
    assertTransition(storeTransitions, store.status, to, 'Store')
    return store
  }

  private async decide(
    ctx: Ctx,
    idOrSlug: string,
    decision: Decision,
    reason: string | undefined,
  ): Promise<StoreDTO> {
    const store = await this.decidable(ctx, idOrSlug, decision)
    const { to } = decisions[decision]

    const $set: Record<string, unknown> = { status: to }
    const $unset: Record<string, 1> = {}
    if (to === 'approved') {
      $set.approvedAt = ctx.now
      $set.approvedBy = actorId(ctx) ?? describeActor(ctx.actor)
      $unset.statusReason = 1
    } else if (reason) {
      $set.statusReason = reason
    } else {
      $unset.statusReason = 1
    }
    // Compare-and-set on the status we checked: of two admins acting at once, one wins.
    const updated = await this.deps.stores.findOneAndUpdate(
      { _id: store._id, status: store.status },
      { $set, ...(Object.keys($unset).length ? { $unset } : {}) },
      { returnDocument: 'after' },
    )
    if (!updated) throw changedMeanwhile()

    const storeId = String(store._id)
    await this.deps.audit.record(
      ctx,
      `store.${decision}`,
      { type: 'store', id: storeId },
      {
        ...(reason ? { reason } : {}),
        details: { from: store.status, to },
      },
    )
    await this.notifyOwner(ctx, updated, decision, reason)
    await this.deps.events.emit(`store.${decision}`, { storeId })
    return toStoreDTO(updated)
  }

  /** Mails the seller's account address; the store's contact address if the account is gone. */
  private async notifyOwner(ctx: Ctx, store: StoreDoc, decision: Decision, reason?: string) {
    const owner = await this.deps.people.get(ctx, String(store.ownerId)).catch(() => undefined)
    const params = { name: owner?.name ?? store.name, storeName: store.name }
    const mail: RenderedMail = {
      approved: () =>
        mailTemplates.storeApproved({
          ...params,
          link: `${this.deps.publicUrl}/stores/${store.slug}`,
        }),
      rejected: () => mailTemplates.storeRejected({ ...params, reason: reason ?? '' }),
      suspended: () => mailTemplates.storeSuspended({ ...params, reason: reason ?? '' }),
      reinstated: () => mailTemplates.storeReinstated(params),
      closed: () => mailTemplates.storeClosed({ ...params, ...(reason ? { reason } : {}) }),
    }[decision]()
    await this.deps.mail.sendAs(
      'store_decision',
      { email: owner?.email ?? store.contactEmail, userId: String(store.ownerId) },
      mail,
    )
  }
}

const slugTaken = () => new ConflictError('This store address (slug) is taken', 'store_slug_taken')
const storeClosed = () => new InvalidStateError('This store is closed', 'store_closed')
const changedMeanwhile = () =>
  new ChangedMeanwhileError('store', 'Store changed meanwhile; try again')

/** The core asks for a reason itself too, so no edge can forget to. */
function requireReason(input: StoreReasonBody): string {
  const reason = input.reason?.trim()
  if (!reason) throw new ValidationError('Invalid input', { reason: 'is required' })
  return reason
}
