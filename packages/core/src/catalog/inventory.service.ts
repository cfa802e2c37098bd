import type { Types } from 'mongoose'
import type { People } from '../accounts/people.port.js'
import { movableTo, op } from '../db/query.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates } from '../mail/templates.js'
import {
  actorId,
  type Ctx,
  describeActor,
  isAdmin,
  requireAdminOrSystem,
  requireRole,
  systemCtx,
} from '../shared/ctx.js'
import {
  ConflictError,
  InvalidStateError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../shared/errors.js'
import type { DomainEvents, EventBus } from '../shared/events.js'
import { isId, newId } from '../shared/ids.js'
import type { Logger } from '../shared/logger.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import type { StoreLookup } from '../stores/store.types.js'
import { toMovementDTO, toReservationDTO, toVariantDTO } from './catalog.dto.js'
import type { ProductModel } from './product.model.js'
import {
  type ReserveItem,
  type RestockInput,
  reserveItems,
  restockInput,
  type StockChangeBody,
  type StockMovementsQuery,
  type UnconfirmedMovementsQuery,
  unconfirmedMovementsQuery,
} from './product.schemas.js'
import type { MovementKind, ReservationDTO, StockMovementDTO, VariantDTO } from './product.types.js'
import { refreshProductSummary } from './product-summary.js'
import type { ReservationDoc, ReservationModel } from './reservation.model.js'
import { reservationTransitions } from './reservation.transitions.js'
import { sellerAddress } from './seller-mail.js'
import type { StockMovementModel } from './stock-movement.model.js'
import type { VariantDoc, VariantModel } from './variant.model.js'

export interface InventoryDeps {
  products: ProductModel
  variants: VariantModel
  movements: StockMovementModel
  reservations: ReservationModel
  stores: StoreLookup
  /** Store owners' accounts, for mail. */
  people: People
  mail: MailService
  events: EventBus
  logger: Logger
}

export interface StockChangeResult {
  variant: VariantDTO
  previous: number
}

export interface RestockResult extends StockChangeResult {
  /** False when the key was already recorded: this call changed nothing. */
  applied: boolean
}

/** Longest a checkout may hold stock. */
export const MAX_RESERVATION_SECONDS = 24 * 3600

const variantNotFound = () => new NotFoundError('Variant')
const reservationNotFound = () => new NotFoundError('Reservation')
const insufficient = (details: Record<string, unknown>) =>
  new ConflictError('Not enough stock', 'insufficient_stock', details)

interface MovementMeta {
  ctx: Ctx
  kind: MovementKind
  key: string
  reason: string
  reservationId?: Types.ObjectId
  orderGroupId?: string
  /** Recorded ahead of its `$inc` (keyed restocks); cleared once the `$inc` is done. */
  unconfirmed?: boolean
}

/**
 * Stock: a counter on each variant document that only the operations here change, never below
 * zero. Each change is a single-document update guarded in its filter (atomic on MongoDB; on the
 * embedded engine the process's single connection serializes writes), followed by a keyed
 * movement row.
 *
 * Crash safety, without transactions: every step is ordered so that a crash can only leave a
 * variant with LESS stock than its movements say, never more, so we never oversell.
 * - A decrement updates the counter, then inserts its movement. A crash between the two leaves
 *   stock taken without a movement row; the reservation sweep gives back only lines that have
 *   their `reserve` movement, so that stock stays out until a seller recounts (`set`). The
 *   difference between stock and the sum of a variant's movements shows it.
 * - An increment (release, expiry, undo) runs after a compare-and-set on the reservation status,
 *   so it happens at most once per reservation; the movement key (`<reservation>:<variant>:<kind>`)
 *   is unique, and a step that finds its key taken reverts its own increment.
 * - A keyed restock (`restock`, e.g. after a refund) has no compare-and-set to lean on: its caller
 *   may simply retry. So it records its movement FIRST (marked `unconfirmed`), then `$inc`s, then
 *   clears the mark. A retry finds the key and skips. A crash between the insert and the `$inc`
 *   therefore loses the restock (stock lower than the movements say, the row left `unconfirmed`
 *   for a recount), where `$inc` first would have restocked twice on the retry and oversold.
 */
export class InventoryService {
  constructor(private deps: InventoryDeps) {}

  // ---- seller stock changes ---------------------------------------------------------------

  /** The seller's own variant (any variant for administrators); others get NotFoundError. */
  private async visibleVariant(ctx: Ctx, variantId: string): Promise<VariantDoc> {
    requireRole(ctx, 'seller', 'admin')
    if (!isId(variantId)) throw variantNotFound()
    const filter: Record<string, unknown> = { _id: variantId }
    if (!isAdmin(ctx)) filter.storeId = (await this.deps.stores.requireOwnStore(ctx)).id
    const variant = await this.deps.variants.findOne(filter).lean()
    if (!variant) throw variantNotFound()
    return variant
  }

  /** The stock operation of the seller API: `set` a counted quantity or apply a `delta`. */
  async change(ctx: Ctx, variantId: string, input: StockChangeBody): Promise<StockChangeResult> {
    return input.set !== undefined
      ? this.set(ctx, variantId, input.set, input.reason)
      : this.adjust(ctx, variantId, input.delta ?? 0, input.reason)
  }

  /**
   * Adds or removes stock. @throws ConflictError `insufficient_stock` when it would go below zero.
   */
  async adjust(
    ctx: Ctx,
    variantId: string,
    delta: number,
    reason: string,
  ): Promise<StockChangeResult> {
    const variant = await this.visibleVariant(ctx, variantId)
    if (!Number.isSafeInteger(delta) || delta === 0) {
      throw new ValidationError('Invalid input', { delta: 'must be a non-zero integer' })
    }
    const moved = await this.move(variant._id, delta, {
      ctx,
      kind: 'adjust',
      key: uniqueKey('adjust'),
      reason,
    })
    if (!moved)
      throw insufficient({
        variantId,
        stock: (await this.deps.variants.findById(variant._id).lean())?.stock ?? 0,
      })
    return { variant: toVariantDTO(moved.variant), previous: moved.previous }
  }

  /** Sets stock to a counted quantity (a stocktake); recorded as the difference. */
  async set(
    ctx: Ctx,
    variantId: string,
    quantity: number,
    reason: string,
  ): Promise<StockChangeResult> {
    let variant = await this.visibleVariant(ctx, variantId)
    if (!Number.isSafeInteger(quantity) || quantity < 0) {
      throw new ValidationError('Invalid input', { set: 'must be an integer of at least 0' })
    }
    // Compare-and-set on the stock we read: a reservation landing in between makes us re-read.
    for (let attempt = 0; attempt < 5; attempt++) {
      const previous = variant.stock
      if (previous === quantity) return { variant: toVariantDTO(variant), previous }
      const updated = await this.deps.variants
        .findOneAndUpdate(
          { _id: variant._id, stock: previous },
          { $set: { stock: quantity } },
          { returnDocument: 'after' },
        )
        .lean()
      if (updated) {
        await this.record(updated, quantity - previous, {
          ctx,
          kind: 'set',
          key: uniqueKey('set'),
          reason,
        })
        await this.changed(updated, previous)
        return { variant: toVariantDTO(updated), previous }
      }
      const fresh = await this.deps.variants.findById(variant._id).lean()
      if (!fresh) throw variantNotFound()
      variant = fresh
    }
    throw new ConflictError('Stock is changing fast; try again', 'stock_busy')
  }

  /** A variant's stock movements, newest first. */
  async movements(
    ctx: Ctx,
    variantId: string,
    query: StockMovementsQuery,
  ): Promise<Page<StockMovementDTO>> {
    const variant = await this.visibleVariant(ctx, variantId)
    const filter: Record<string, unknown> = { variantId: variant._id }
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.movements
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toMovementDTO, idCursorOf)
  }

  // ---- platform restocks (refunds, returns) ---------------------------------------------------

  /**
   * Puts sold units back on the shelf for the platform (a job, or an administrator), once per
   * `key`: a repeat with the same key changes nothing and answers `applied: false`.
   * @throws ForbiddenError for sellers and buyers, NotFoundError, ValidationError, ConflictError
   *   `restock_key_reused` when the key was recorded for another variant or quantity.
   */
  async restock(ctx: Ctx, input: RestockInput): Promise<RestockResult> {
    requireAdminOrSystem(ctx)
    const { variantId, quantity, key, reason, refs } = validateInput(restockInput, input)
    const variant = await this.deps.variants.findById(variantId).lean()
    if (!variant) throw variantNotFound()
    // The key before the counter (see the class comment): at most once, even across a crash.
    const claimed = await this.record(
      variant,
      quantity,
      {
        ctx,
        kind: 'restock',
        key,
        reason,
        ...(refs?.orderGroupId ? { orderGroupId: refs.orderGroupId } : {}),
        unconfirmed: true,
      },
      variant.stock + quantity,
    )
    if (!claimed) return this.repeatedRestock(key, variant, quantity)
    const after = await this.deps.variants
      .findOneAndUpdate(
        { _id: variant._id },
        { $inc: { stock: quantity } },
        { returnDocument: 'after' },
      )
      .lean()
    // Removed meanwhile: the movement stays unconfirmed, which is true, and nothing is on sale.
    if (!after) throw variantNotFound()
    await this.deps.movements.updateOne(
      { key },
      { $set: { stockAfter: after.stock }, $unset: { unconfirmed: 1 } },
    )
    const previous = after.stock - quantity
    await this.changed(after, previous)
    return { applied: true, variant: toVariantDTO(after), previous }
  }

  /**
   * Keyed restocks still marked `unconfirmed`, newest first, and how many there are in all. Each
   * is a restock interrupted between its movement row and its `$inc` (or, harmlessly, one in
   * flight): no retry finishes it, so its variant may be short and wants a recount.
   * @throws ForbiddenError for sellers and buyers, ValidationError for a bad limit
   */
  async unconfirmedMovements(
    ctx: Ctx,
    query: UnconfirmedMovementsQuery = {},
  ): Promise<{ items: StockMovementDTO[]; total: number }> {
    requireAdminOrSystem(ctx)
    const { limit } = validateInput(unconfirmedMovementsQuery, query)
    const filter = { unconfirmed: true }
    const rows = await this.deps.movements.find(filter).sort({ _id: -1 }).limit(limit).lean()
    const total = await this.deps.movements.countDocuments(filter)
    return { items: rows.map(toMovementDTO), total }
  }

  /** A restock whose key is taken: the same request again changes nothing. */
  private async repeatedRestock(
    key: string,
    variant: VariantDoc,
    quantity: number,
  ): Promise<RestockResult> {
    const recorded = await this.deps.movements.findOne({ key }).lean()
    if (
      recorded?.kind !== 'restock' ||
      !recorded.variantId.equals(variant._id) ||
      recorded.delta !== quantity
    ) {
      throw new ConflictError(
        'This restock key was used for another restock',
        'restock_key_reused',
        { key },
      )
    }
    if (recorded.unconfirmed)
      this.deps.logger.warn(
        { key, variantId: String(variant._id) },
        'restock repeated while its first attempt is unconfirmed (in flight, or interrupted: recount)',
      )
    const current = (await this.deps.variants.findById(variant._id).lean()) ?? variant
    return { applied: false, variant: toVariantDTO(current), previous: current.stock }
  }

  // ---- reservations (checkout) ----------------------------------------------------------------

  /**
   * Holds stock for a checkout, all or nothing: if any line is short, what was taken is given
   * back and nothing stays held.
   * @throws ConflictError `insufficient_stock` (details: the short variant), NotFoundError
   */
  async reserve(
    ctx: Ctx,
    items: ReserveItem[],
    ttlSeconds: number,
    ref: { orderGroupId?: string } = {},
  ): Promise<ReservationDTO> {
    if (ctx.actor.kind === 'anonymous') throw new UnauthorizedError()
    const lines = validateInput(reserveItems, items)
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_RESERVATION_SECONDS) {
      throw new ValidationError('Invalid input', {
        ttlSeconds: `must be 1 to ${MAX_RESERVATION_SECONDS}`,
      })
    }
    const variants = await this.deps.variants
      .find({ _id: op({ $in: lines.map((l) => l.variantId) }) })
      .lean()
    const byId = new Map(variants.map((v) => [String(v._id), v]))
    const docLines = lines.map((line) => {
      const variant = byId.get(line.variantId)
      if (!variant) throw variantNotFound()
      return {
        variantId: variant._id,
        productId: variant.productId,
        storeId: variant.storeId,
        quantity: line.quantity,
      }
    })
    const reservation = (
      await this.deps.reservations.create({
        status: 'active',
        lines: docLines,
        expiresAt: new Date(ctx.now.getTime() + ttlSeconds * 1000),
        ...(ref.orderGroupId ? { orderGroupId: ref.orderGroupId } : {}),
        actor: actorOf(ctx),
      })
    ).toObject()
    const meta = (kind: MovementKind, variantId: Types.ObjectId): MovementMeta => ({
      ctx,
      kind,
      key: `${reservation._id}:${variantId}:${kind}`,
      reason:
        kind === 'reserve' ? 'reserved for checkout' : 'reservation failed: another line was short',
      reservationId: reservation._id,
      ...(reservation.orderGroupId ? { orderGroupId: reservation.orderGroupId } : {}),
    })
    const taken: typeof docLines = []
    for (const line of docLines) {
      const moved = await this.move(line.variantId, -line.quantity, meta('reserve', line.variantId))
      if (!moved) {
        for (const done of taken)
          await this.move(done.variantId, done.quantity, meta('undo', done.variantId))
        await this.deps.reservations.updateOne(
          { _id: reservation._id, status: movableTo(reservationTransitions, 'released') },
          {
            $set: { status: 'released', releasedAt: ctx.now, releaseReason: 'insufficient_stock' },
          },
        )
        throw insufficient({ variantId: String(line.variantId), requested: line.quantity })
      }
      taken.push(line)
    }
    return toReservationDTO(reservation)
  }

  /** The reservation, for whoever made it (or an administrator, or a job). */
  private async ownReservation(ctx: Ctx, reservationId: string): Promise<ReservationDoc> {
    if (ctx.actor.kind === 'anonymous') throw new UnauthorizedError()
    if (!isId(reservationId)) throw reservationNotFound()
    const reservation = await this.deps.reservations.findById(reservationId).lean()
    if (!reservation) throw reservationNotFound()
    if (ctx.actor.kind === 'user' && !isAdmin(ctx) && reservation.actor.id !== ctx.actor.id) {
      throw reservationNotFound()
    }
    return reservation
  }

  /** Reads a reservation. @throws NotFoundError */
  async getReservation(ctx: Ctx, reservationId: string): Promise<ReservationDTO> {
    return toReservationDTO(await this.ownReservation(ctx, reservationId))
  }

  /**
   * Makes a reservation's stock sold (payment verified). An active reservation past its expiry
   * that the sweep has not reached still holds its stock, so it can be committed.
   * @throws InvalidStateError `reservation_not_active`
   */
  async commit(ctx: Ctx, reservationId: string): Promise<ReservationDTO> {
    const reservation = await this.ownReservation(ctx, reservationId)
    const updated = await this.deps.reservations
      .findOneAndUpdate(
        { _id: reservation._id, status: movableTo(reservationTransitions, 'committed') },
        { $set: { status: 'committed', committedAt: ctx.now } },
        { returnDocument: 'after' },
      )
      .lean()
    if (!updated) throw notActive((await this.ownReservation(ctx, reservationId)).status)
    return toReservationDTO(updated)
  }

  /**
   * Gives a reservation's stock back. Releasing one already released or expired changes
   * nothing and returns it (retries are safe).
   * @throws InvalidStateError `reservation_not_active` for a committed reservation
   */
  async release(ctx: Ctx, reservationId: string, reason: string): Promise<ReservationDTO> {
    const reservation = await this.ownReservation(ctx, reservationId)
    const updated = await this.endReservation(ctx, reservation._id, 'released', reason)
    if (updated) return toReservationDTO(updated)
    const current = await this.ownReservation(ctx, reservationId)
    if (current.status === 'committed') throw notActive(current.status)
    return toReservationDTO(current)
  }

  /**
   * The scheduler's job: gives back the stock of active reservations past their expiry, a batch
   * at a time. Returns how many it expired.
   */
  async releaseExpired(now: Date, batch = 500): Promise<number> {
    const ctx = systemCtx('inventory.release-expired', now)
    const due = await this.deps.reservations
      .find({ status: movableTo(reservationTransitions, 'expired'), expiresAt: op({ $lte: now }) })
      .sort({ expiresAt: 1 })
      .limit(batch)
      .lean()
    let expired = 0
    for (const reservation of due) {
      if (await this.endReservation(ctx, reservation._id, 'expired', 'expired')) expired++
    }
    return expired
  }

  /**
   * Compare-and-set active -> released|expired; only the winner restocks, and only the lines
   * whose `reserve` movement exists (see the class comment).
   */
  private async endReservation(
    ctx: Ctx,
    reservationId: Types.ObjectId,
    status: 'released' | 'expired',
    reason: string,
  ): Promise<ReservationDoc | null> {
    const ended = await this.deps.reservations
      .findOneAndUpdate(
        { _id: reservationId, status: movableTo(reservationTransitions, status) },
        { $set: { status, releasedAt: ctx.now, releaseReason: reason } },
        { returnDocument: 'after' },
      )
      .lean()
    if (!ended) return null
    const reserved = await this.deps.movements.find({ reservationId, kind: 'reserve' }).lean()
    const taken = new Set(reserved.map((m) => String(m.variantId)))
    const kind: MovementKind = status === 'expired' ? 'expire' : 'release'
    for (const line of ended.lines) {
      if (!taken.has(String(line.variantId))) continue
      const moved = await this.move(line.variantId, line.quantity, {
        ctx,
        kind,
        key: `${reservationId}:${line.variantId}:${kind}`,
        reason,
        reservationId,
        ...(ended.orderGroupId ? { orderGroupId: ended.orderGroupId } : {}),
      })
      if (!moved)
        this.deps.logger.warn(
          { reservationId: String(reservationId), variantId: String(line.variantId) },
          'restock skipped: variant gone or step already applied',
        )
    }
    return ended
  }

  // ---- the counter --------------------------------------------------------------------------

  /**
   * Applies `delta` to a variant's stock, guarded so it cannot go below zero, then records the
   * movement. Returns null when the guard refused, the variant is gone, or the step's key was
   * already recorded (its change is then reverted).
   */
  private async move(
    variantId: Types.ObjectId,
    delta: number,
    meta: MovementMeta,
  ): Promise<{ variant: VariantDoc; previous: number } | null> {
    const filter = delta < 0 ? { _id: variantId, stock: op({ $gte: -delta }) } : { _id: variantId }
    const after = await this.deps.variants
      .findOneAndUpdate(filter, { $inc: { stock: delta } }, { returnDocument: 'after' })
      .lean()
    if (!after) return null
    const recorded = await this.record(after, delta, meta)
    if (!recorded) {
      await this.deps.variants.updateOne(
        delta > 0 ? { _id: variantId, stock: op({ $gte: delta }) } : { _id: variantId },
        { $inc: { stock: -delta } },
      )
      return null
    }
    const previous = after.stock - delta
    await this.changed(after, previous)
    return { variant: after, previous }
  }

  /** Inserts a movement; false when its key is already recorded. */
  private async record(
    variant: VariantDoc,
    delta: number,
    meta: MovementMeta,
    stockAfter = variant.stock,
  ): Promise<boolean> {
    try {
      await this.deps.movements.create({
        key: meta.key,
        variantId: variant._id,
        productId: variant.productId,
        storeId: variant.storeId,
        kind: meta.kind,
        delta,
        stockAfter,
        reason: meta.reason,
        actor: actorOf(meta.ctx),
        ...(meta.reservationId ? { reservationId: meta.reservationId } : {}),
        ...(meta.orderGroupId ? { orderGroupId: meta.orderGroupId } : {}),
        ...(meta.unconfirmed ? { unconfirmed: true } : {}),
        at: meta.ctx.now,
      })
      return true
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) return false
      throw error
    }
  }

  /** Events after a stock change; the product's `inStock` follows stock crossing zero. */
  private async changed(variant: VariantDoc, previous: number): Promise<void> {
    const ids = {
      variantId: String(variant._id),
      productId: String(variant.productId),
      storeId: String(variant.storeId),
    }
    await this.deps.events.emit('stock.changed', { ...ids, stock: variant.stock, previous })
    if (previous > 0 !== variant.stock > 0) {
      await refreshProductSummary(this.deps, variant.productId)
      await this.deps.events.emit('product.updated', {
        productId: ids.productId,
        storeId: ids.storeId,
      })
    }
    const threshold = variant.lowStockThreshold
    if (previous > threshold && variant.stock <= threshold) {
      await this.deps.events.emit('stock.low', {
        ...ids,
        sku: variant.sku,
        stock: variant.stock,
        threshold,
      })
    }
  }

  /** Emails the seller about low stock (a subscriber, so checkout never waits for SMTP). */
  async mailLowStock(event: DomainEvents['stock.low']): Promise<void> {
    const [store, product] = await Promise.all([
      this.deps.stores.getStore(event.storeId),
      this.deps.products.findById(event.productId).lean(),
    ])
    // Stock running out is operational, not a notification type: it is never muted.
    await this.deps.mail.send(
      (await sellerAddress(this.deps.people, store)).email,
      mailTemplates.lowStock({
        storeName: store.name,
        title: product?.title ?? 'a product',
        sku: event.sku,
        stock: event.stock,
        threshold: event.threshold,
      }),
    )
  }
}

function actorOf(ctx: Ctx) {
  const id = actorId(ctx)
  return { kind: ctx.actor.kind, ...(id ? { id } : {}), label: describeActor(ctx.actor) }
}

const notActive = (status: string) =>
  new InvalidStateError(`The reservation is ${status}`, 'reservation_not_active', { status })

/** A key for a one-off seller change: nothing retries it, so it only needs to be unique. */
const uniqueKey = (kind: string) => `${kind}:${newId()}`
