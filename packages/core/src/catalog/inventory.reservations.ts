import type { Types } from 'mongoose'
import { movableTo, op } from '../db/query.js'
import { type Ctx, isAdmin, systemCtx } from '../shared/ctx.js'
import {
  InvalidStateError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../shared/errors.js'
import { isId } from '../shared/ids.js'
import { validateInput } from '../shared/validate.js'
import { toReservationDTO } from './catalog.dto.js'
import {
  actorOf,
  insufficient,
  type MovementMeta,
  type StockCounter,
  variantNotFound,
} from './inventory.counter.js'
import type { InventoryDeps } from './inventory.service.js'
import { type ReserveItem, reserveItems } from './product.schemas.js'
import type { MovementKind, ReservationDTO } from './product.types.js'
import type { ReservationDoc } from './reservation.model.js'
import { reservationTransitions } from './reservation.transitions.js'

/** Longest a checkout may hold stock. */
export const MAX_RESERVATION_SECONDS = 24 * 3600

/** One line of a reservation as it is written: the variant and what it belongs to. */
type HeldLine = ReservationDoc['lines'][number]

const reservationNotFound = () => new NotFoundError('Reservation')
const notActive = (status: string) =>
  new InvalidStateError(`The reservation is ${status}`, 'reservation_not_active', { status })

/**
 * Stock held for a checkout: `reserve` (all or nothing), `commit` (sold), `release` and the
 * expiry sweep (given back, once, by a compare-and-set on the reservation). Each verb is
 * documented on `InventoryService`.
 */
export class Reservations {
  constructor(
    private deps: InventoryDeps,
    private counter: StockCounter,
  ) {}

  /** Checks the request, writes the reservation, then takes every line's stock or none. */
  async reserve(
    ctx: Ctx,
    items: ReserveItem[],
    ttlSeconds: number,
    ref: { orderGroupId?: string } = {},
  ): Promise<ReservationDTO> {
    if (ctx.actor.kind === 'anonymous') throw new UnauthorizedError()
    const lines = validateInput(reserveItems, items)
    assertTtl(ttlSeconds)
    const held = await this.heldLines(lines)
    const reservation = await this.openReservation(ctx, held, ttlSeconds, ref)
    await this.takeAllOrNothing(ctx, reservation, held)
    return toReservationDTO(reservation)
  }

  async getReservation(ctx: Ctx, reservationId: string): Promise<ReservationDTO> {
    return toReservationDTO(await this.ownReservation(ctx, reservationId))
  }

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

  async release(ctx: Ctx, reservationId: string, reason: string): Promise<ReservationDTO> {
    const reservation = await this.ownReservation(ctx, reservationId)
    const updated = await this.endReservation(ctx, reservation._id, 'released', reason)
    if (updated) return toReservationDTO(updated)
    const current = await this.ownReservation(ctx, reservationId)
    if (current.status === 'committed') throw notActive(current.status)
    return toReservationDTO(current)
  }

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

  /** The variants of the lines, each with its product and store. @throws NotFoundError */
  private async heldLines(lines: ReserveItem[]): Promise<HeldLine[]> {
    const variants = await this.deps.variants
      .find({ _id: op({ $in: lines.map((l) => l.variantId) }) })
      .lean()
    const byId = new Map(variants.map((v) => [String(v._id), v]))
    return lines.map((line) => {
      const variant = byId.get(line.variantId)
      if (!variant) throw variantNotFound()
      return {
        variantId: variant._id,
        productId: variant.productId,
        storeId: variant.storeId,
        quantity: line.quantity,
      }
    })
  }

  /** The reservation, `active` until its expiry, written before any stock is taken. */
  private async openReservation(
    ctx: Ctx,
    lines: HeldLine[],
    ttlSeconds: number,
    ref: { orderGroupId?: string },
  ): Promise<ReservationDoc> {
    return (
      await this.deps.reservations.create({
        status: 'active',
        lines,
        expiresAt: new Date(ctx.now.getTime() + ttlSeconds * 1000),
        ...(ref.orderGroupId ? { orderGroupId: ref.orderGroupId } : {}),
        actor: actorOf(ctx),
      })
    ).toObject()
  }

  /**
   * Takes each line's stock in turn; at the first short line, gives back what was taken, marks
   * the reservation released (`insufficient_stock`) and throws.
   * @throws ConflictError `insufficient_stock` (details: the short variant)
   */
  private async takeAllOrNothing(
    ctx: Ctx,
    reservation: ReservationDoc,
    lines: HeldLine[],
  ): Promise<void> {
    const taken: HeldLine[] = []
    for (const line of lines) {
      const moved = await this.counter.move(
        line.variantId,
        -line.quantity,
        movementOf(ctx, reservation, 'reserve', line.variantId),
      )
      if (!moved) {
        for (const done of taken)
          await this.counter.move(
            done.variantId,
            done.quantity,
            movementOf(ctx, reservation, 'undo', done.variantId),
          )
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

  /**
   * Compare-and-set active -> released|expired; only the winner restocks, and only the lines
   * whose `reserve` movement exists (inventory.counter.ts, class comment).
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
      const moved = await this.counter.move(line.variantId, line.quantity, {
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
}

/** @throws ValidationError unless 1 <= ttlSeconds <= MAX_RESERVATION_SECONDS */
function assertTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_RESERVATION_SECONDS) {
    throw new ValidationError('Invalid input', {
      ttlSeconds: `must be 1 to ${MAX_RESERVATION_SECONDS}`,
    })
  }
}

/** The movement of one line of a reservation: taken (`reserve`) or given back (`undo`). */
function movementOf(
  ctx: Ctx,
  reservation: ReservationDoc,
  kind: 'reserve' | 'undo',
  variantId: Types.ObjectId,
): MovementMeta {
  return {
    ctx,
    kind,
    key: `${reservation._id}:${variantId}:${kind}`,
    reason:
      kind === 'reserve' ? 'reserved for checkout' : 'reservation failed: another line was short',
    reservationId: reservation._id,
    ...(reservation.orderGroupId ? { orderGroupId: reservation.orderGroupId } : {}),
  }
}
