import type { People } from '../accounts/people.port.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates } from '../mail/templates.js'
import type { Ctx } from '../shared/ctx.js'
import type { DomainEvents, EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import type { Page } from '../shared/paging.js'
import type { StoreLookup } from '../stores/store.types.js'
import { StockCounter } from './inventory.counter.js'
import { Reservations } from './inventory.reservations.js'
import { Restocks } from './inventory.restocks.js'
import { SellerStock } from './inventory.seller-stock.js'
import type { ProductModel } from './product.model.js'
import type {
  ReserveItem,
  RestockInput,
  StockChangeBody,
  StockMovementsQuery,
  UnconfirmedMovementsQuery,
} from './product.schemas.js'
import type { ReservationDTO, StockMovementDTO, VariantDTO } from './product.types.js'
import type { ReservationModel } from './reservation.model.js'
import { sellerAddress } from './seller-mail.js'
import type { StockMovementModel } from './stock-movement.model.js'
import type { VariantModel } from './variant.model.js'

export { MAX_RESERVATION_SECONDS } from './inventory.reservations.js'

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

/**
 * Stock: a counter on each variant document that only the operations here change, never below
 * zero, each change followed by a keyed movement row, ordered so that a crash can only leave
 * LESS stock than the movements say (never an oversell): inventory.counter.ts says how.
 *
 * This class is the facade of the feature's verbs; the work is in inventory.seller-stock.ts (the
 * seller's changes and movements), inventory.restocks.ts (the platform's keyed restocks),
 * inventory.reservations.ts (checkout holds and their sweep) and inventory.counter.ts (the
 * guarded counter, the movement rows, the stock events).
 */
export class InventoryService {
  private counter: StockCounter
  private seller: SellerStock
  private restocks: Restocks
  private reservations: Reservations

  constructor(private deps: InventoryDeps) {
    this.counter = new StockCounter(deps)
    this.seller = new SellerStock(deps, this.counter)
    this.restocks = new Restocks(deps, this.counter)
    this.reservations = new Reservations(deps, this.counter)
  }

  // ---- seller stock changes ---------------------------------------------------------------

  /** The stock operation of the seller API: `set` a counted quantity or apply a `delta`. */
  async change(ctx: Ctx, variantId: string, input: StockChangeBody): Promise<StockChangeResult> {
    return this.seller.change(ctx, variantId, input)
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
    return this.seller.adjust(ctx, variantId, delta, reason)
  }

  /** Sets stock to a counted quantity (a stocktake); recorded as the difference. */
  async set(
    ctx: Ctx,
    variantId: string,
    quantity: number,
    reason: string,
  ): Promise<StockChangeResult> {
    return this.seller.set(ctx, variantId, quantity, reason)
  }

  /** A variant's stock movements, newest first. */
  async movements(
    ctx: Ctx,
    variantId: string,
    query: StockMovementsQuery,
  ): Promise<Page<StockMovementDTO>> {
    return this.seller.movements(ctx, variantId, query)
  }

  // ---- platform restocks (refunds, returns) ---------------------------------------------------

  /**
   * Puts sold units back on the shelf for the platform (a job, or an administrator), once per
   * `key`: a repeat with the same key changes nothing and answers `applied: false`.
   * @throws ForbiddenError for sellers and buyers, NotFoundError, ValidationError, ConflictError
   *   `restock_key_reused` when the key was recorded for another variant or quantity.
   */
  async restock(ctx: Ctx, input: RestockInput): Promise<RestockResult> {
    return this.restocks.restock(ctx, input)
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
    return this.restocks.unconfirmedMovements(ctx, query)
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
    return this.reservations.reserve(ctx, items, ttlSeconds, ref)
  }

  /** Reads a reservation. @throws NotFoundError */
  async getReservation(ctx: Ctx, reservationId: string): Promise<ReservationDTO> {
    return this.reservations.getReservation(ctx, reservationId)
  }

  /**
   * Makes a reservation's stock sold (payment verified). An active reservation past its expiry
   * that the sweep has not reached still holds its stock, so it can be committed.
   * @throws InvalidStateError `reservation_not_active`
   */
  async commit(ctx: Ctx, reservationId: string): Promise<ReservationDTO> {
    return this.reservations.commit(ctx, reservationId)
  }

  /**
   * Gives a reservation's stock back. Releasing one already released or expired changes
   * nothing and returns it (retries are safe).
   * @throws InvalidStateError `reservation_not_active` for a committed reservation
   */
  async release(ctx: Ctx, reservationId: string, reason: string): Promise<ReservationDTO> {
    return this.reservations.release(ctx, reservationId, reason)
  }

  /**
   * The scheduler's job: gives back the stock of active reservations past their expiry, a batch
   * at a time. Returns how many it expired.
   */
  async releaseExpired(now: Date, batch = 500): Promise<number> {
    return this.reservations.releaseExpired(now, batch)
  }

  // ---- mail ---------------------------------------------------------------------------------

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
