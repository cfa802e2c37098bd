import { mailTemplates, type RenderedMail } from '../mail/templates.js'
import { actorId, type Ctx, describeActor, requireRole } from '../shared/ctx.js'
import {
  ChangedMeanwhileError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
} from '../shared/errors.js'
import { isId } from '../shared/ids.js'
import { assertTransition } from '../shared/transitions.js'
import { toStoreDTO } from './store.dto.js'
import type { StoreDoc } from './store.model.js'
import type { StoreReasonBody } from './store.schemas.js'
import type { StoresDeps } from './store.service.js'
import { storeTransitions } from './store.transitions.js'
import type { StoreDTO, StoreStatus } from './store.types.js'

export type Decision = 'approved' | 'rejected' | 'suspended' | 'reinstated' | 'closed'

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

/** A store by id or by slug. @throws NotFoundError */
export async function findStore(stores: StoresDeps['stores'], idOrSlug: string): Promise<StoreDoc> {
  const key = idOrSlug.trim()
  // A 24-hex slug is possible, so an id that matches nothing is tried as a slug.
  const store =
    (isId(key) ? await stores.findById(key).lean() : null) ??
    (await stores.findOne({ slug: key.toLowerCase() }).lean())
  if (!store) throw new NotFoundError('Store')
  return store
}

/**
 * The administrators' decisions on a store (approve, reject, suspend, reinstate, close): the
 * check against the table, the compare-and-set, the audit entry, the owner's mail and the event.
 */
export class StoreDecisions {
  constructor(private deps: StoresDeps) {}

  /**
   * The store an administrator may take `decision` on, as it is now.
   * @throws InvalidStateError when its status does not allow the decision.
   */
  async decidable(ctx: Ctx, idOrSlug: string, decision: Decision): Promise<StoreDoc> {
    requireRole(ctx, 'admin')
    const store = await findStore(this.deps.stores, idOrSlug)
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

  async decide(
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
    await this.deps.events.emit(`store.${decision}`, { storeId, ...(reason ? { reason } : {}) })
    return toStoreDTO(updated)
  }

  /** Mails the seller's account address; the store's contact address if the account is gone. */
  async notifyOwner(ctx: Ctx, store: StoreDoc, decision: Decision, reason?: string) {
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

export const changedMeanwhile = () =>
  new ChangedMeanwhileError('store', 'Store changed meanwhile; try again')

/** The core asks for a reason itself too, so no edge can forget to. */
export function requireReason(input: StoreReasonBody): string {
  const reason = input.reason?.trim()
  if (!reason) throw new ValidationError('Invalid input', { reason: 'is required' })
  return reason
}
