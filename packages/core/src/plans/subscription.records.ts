import type { Types, UpdateQuery } from 'mongoose'
import { type Ctx, describeActor } from '../shared/ctx.js'
import { ChangedMeanwhileError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { assertTransition } from '../shared/transitions.js'
import type { InvoiceDoc, SubscriptionDoc, SubscriptionModel } from './plan.model.js'
import type { InvoiceDTO, SubscriptionDTO, SubscriptionStatus } from './plan.types.js'
import { subscriptionTransitions } from './subscription.transitions.js'

const iso = (date: Date | undefined) => (date ? date.toISOString() : null)

export function toSubscriptionDTO(doc: SubscriptionDoc): SubscriptionDTO {
  return {
    id: String(doc._id),
    storeId: doc.storeId,
    planCode: doc.planCode,
    status: doc.status,
    pendingPlanCode: doc.pendingPlanCode ?? null,
    authorizationUrl: doc.status === 'incomplete' ? (doc.authorizationUrl ?? null) : null,
    customerEmail: doc.customerEmail,
    paystackSubscriptionCode: doc.paystackSubscriptionCode ?? null,
    currentPeriodEnd: iso(doc.currentPeriodEnd),
    graceUntil: iso(doc.graceUntil),
    remindersSent: doc.remindersSent,
    history: doc.history.map((h) => ({
      from: h.from ?? null,
      to: h.to,
      planCode: h.planCode,
      reason: h.reason,
      by: h.by,
      at: h.at.toISOString(),
    })),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  }
}

export function toInvoiceDTO(doc: InvoiceDoc): InvoiceDTO {
  return {
    id: String(doc._id),
    storeId: doc.storeId,
    code: doc.code,
    planCode: doc.planCode,
    amount: doc.amount,
    currency: doc.currency,
    status: doc.status,
    periodStart: iso(doc.periodStart),
    periodEnd: iso(doc.periodEnd),
    paidAt: iso(doc.paidAt),
    transactionReference: doc.transactionReference ?? null,
    createdAt: doc.createdAt.toISOString(),
  }
}

/** What a checkout writes on the subscription it starts. */
export type CheckoutFields = Required<
  Pick<SubscriptionDoc, 'planCode' | 'customerEmail' | 'checkoutReference' | 'authorizationUrl'>
>

const changedMeanwhile = () =>
  new ChangedMeanwhileError('subscription', 'The subscription changed meanwhile; read it again')

/** What a move writes besides the status and the history line. */
export interface MoveChanges {
  set?: Partial<Omit<SubscriptionDoc, '_id' | 'status' | 'history'>>
  unset?: (keyof SubscriptionDoc)[]
}

/**
 * The subscription's status compare-and-set: checked against the transition table, written in
 * one update with its history line (single-document atomic on both engines), announced with
 * `subscription.changed`.
 */
export class SubscriptionRecords {
  constructor(private deps: { subscriptions: SubscriptionModel; events: EventBus }) {}

  /**
   * Moves `doc` from the status it was read in to `to`.
   * @throws InvalidStateError `invalid_transition`, or `changed_meanwhile` when another
   *   writer moved it first.
   */
  async move(
    ctx: Ctx,
    doc: SubscriptionDoc,
    to: SubscriptionStatus,
    reason: string,
    changes: MoveChanges = {},
  ): Promise<SubscriptionDoc> {
    assertTransition(subscriptionTransitions, doc.status, to, 'Subscription')
    const planCode = changes.set?.planCode ?? doc.planCode
    const update: UpdateQuery<SubscriptionDoc> = {
      $set: { ...changes.set, status: to },
      $push: {
        history: {
          from: doc.status,
          to,
          planCode,
          reason,
          by: describeActor(ctx.actor),
          at: ctx.now,
        },
      },
      ...(changes.unset?.length
        ? { $unset: Object.fromEntries(changes.unset.map((key) => [key, 1])) }
        : {}),
    }
    const updated = await this.deps.subscriptions.findOneAndUpdate(
      { _id: doc._id, status: doc.status },
      update,
      { returnDocument: 'after' },
    )
    if (!updated) throw changedMeanwhile()
    await this.deps.events.emit('subscription.changed', {
      storeId: updated.storeId,
      planCode: updated.planCode,
      status: to,
      reason,
    })
    return updated.toObject()
  }

  /**
   * The `incomplete` subscription of a new checkout: created for a store that never subscribed,
   * moved back from `expired`, or the checkout fields patched onto an `incomplete` one.
   * @throws InvalidStateError `changed_meanwhile` when another writer moved it first.
   */
  async startCheckout(
    ctx: Ctx,
    storeId: string,
    existing: SubscriptionDoc | null,
    fields: CheckoutFields,
  ): Promise<SubscriptionDoc> {
    if (!existing) {
      const created = await this.deps.subscriptions.create({
        storeId,
        status: 'incomplete',
        ...fields,
        remindersSent: 0,
        history: [
          {
            to: 'incomplete',
            planCode: fields.planCode,
            reason: 'checkout started',
            by: `seller:${ctx.actor.kind === 'user' ? ctx.actor.id : 'unknown'}`,
            at: ctx.now,
          },
        ],
      })
      return created.toObject()
    }
    if (existing.status === 'expired') {
      return this.move(ctx, existing, 'incomplete', 'checkout started', {
        set: fields,
        unset: ['pendingPlanCode', 'graceUntil', 'paystackSubscriptionCode', 'emailToken'],
      })
    }
    const patched = await this.patch(existing, fields)
    if (!patched) throw changedMeanwhile()
    return patched
  }

  /** Writes fields that are not a status move (same status, compare-and-set on it). */
  async patch(
    doc: Pick<SubscriptionDoc, '_id' | 'status'>,
    set: MoveChanges['set'],
    extraFilter: Record<string, unknown> = {},
    note?: { ctx: Ctx; reason: string },
  ): Promise<SubscriptionDoc | null> {
    const history = note && {
      from: doc.status,
      to: doc.status,
      planCode: set?.planCode ?? '',
      reason: note.reason,
      by: describeActor(note.ctx.actor),
      at: note.ctx.now,
    }
    const updated = await this.deps.subscriptions.findOneAndUpdate(
      { _id: doc._id, status: doc.status, ...extraFilter },
      { $set: set ?? {}, ...(history ? { $push: { history } } : {}) },
      { returnDocument: 'after' },
    )
    return updated ? updated.toObject() : null
  }

  byId(id: Types.ObjectId) {
    return this.deps.subscriptions.findById(id).lean()
  }
}
