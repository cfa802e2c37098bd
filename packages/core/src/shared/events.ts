/**
 * Domain events. Services emit after their write succeeds; subscribers (mail, audit, realtime
 * push, cache invalidation) react. A subscriber's failure is logged, never thrown back into the
 * service that emitted.
 */
export interface DomainEvents {
  'user.signed_up': { userId: string; email: string; role: string }
  'user.verified': { userId: string }
  'user.suspended': { userId: string; reason: string }
  'user.reinstated': { userId: string }
  'user.password_reset': { userId: string }
  'store.registered': { storeId: string }
  'store.updated': { storeId: string }
  'store.approved': { storeId: string }
  'store.rejected': { storeId: string }
  'store.suspended': { storeId: string }
  'store.reinstated': { storeId: string }
  'store.closed': { storeId: string }
  /**
   * A Paystack webhook event was verified and stored for the first time (payments). Its name is
   * `paystackEvent`: the bus adds its own `event` field to every payload.
   */
  'paystack.event_received': { eventKey: string; paystackEvent: string; reference: string | null }
  'product.approved': { productId: string; storeId: string }
  'product.rejected': { productId: string; storeId: string; reason: string }
  'product.archived': { productId: string; storeId: string }
  /** What buyers see of a live product changed: content, variants, prices or price range. */
  'product.updated': { productId: string; storeId: string }
  'product.revision_approved': { productId: string; storeId: string }
  /** Stored images no version of the product uses any more (the images feature deletes them). */
  'product.images_dropped': {
    productId: string
    storeId: string
    images: { id: string; storageKey: string; store: 'disk' | 'cloudinary' }[]
  }
  'variant.price_changed': {
    variantId: string
    productId: string
    storeId: string
    price: number
    previous: number
  }
  'stock.changed': {
    variantId: string
    productId: string
    storeId: string
    stock: number
    previous: number
  }
  /** Stock fell from above the variant's low-stock threshold to at or below it. */
  'stock.low': {
    variantId: string
    productId: string
    storeId: string
    sku: string
    stock: number
    threshold: number
  }
  /** A seller set or changed where their payouts go (payouts). */
  'payout_account.changed': { storeId: string; heldUntil: string | null }
  /** Paystack accepted a payout's transfer. */
  'payout.sent': { payoutId: string; storeId: string; amount: number; reference: string }
  'payout.paid': { payoutId: string; storeId: string; amount: number; reference: string }
  /** A payout failed or was reversed; its amount is back in the seller's available balance. */
  'payout.failed': {
    payoutId: string
    storeId: string
    amount: number
    reference: string
    reason: string
  }
  /** A store order moved to the status in the name (orders; one name per status). */
  'order.processing': OrderEventPayload
  'order.shipped': OrderEventPayload
  'order.delivered': OrderEventPayload
  'order.completed': OrderEventPayload
  'order.cancelled': OrderEventPayload
  'order.disputed': OrderEventPayload
  'order.resolved': OrderEventPayload
  /** A payment signal for an order group did not match; administrators look (orders). */
  'order_group.payment_issue': { orderGroupId: string; code: string }
  'refund.processed': { refundId: string; orderId: string; amount: number }
  'refund.failed': { refundId: string; orderId: string; amount: number }
  [name: string]: Record<string, unknown>
}

/** What every `order.<status>` event carries. */
export interface OrderEventPayload {
  orderId: string
  orderGroupId: string
  storeId: string
  buyerId: string
  [key: string]: unknown
}

export type EventName = keyof DomainEvents & string
export type Handler<E extends EventName> = (payload: DomainEvents[E]) => void | Promise<void>

export interface EventBus {
  emit<E extends EventName>(name: E, payload: DomainEvents[E]): void
  on<E extends EventName>(name: E, handler: Handler<E>): () => void
  /** Resolves when every handler started so far has finished; tests and shutdown use it. */
  drain(): Promise<void>
}

type AnyHandler = (payload: Record<string, unknown>) => void | Promise<void>

/** An in-process bus: handlers run after the current tick, errors go to `onError`. */
export class InProcessEventBus implements EventBus {
  private handlers = new Map<string, Set<AnyHandler>>()
  private pending = new Set<Promise<void>>()

  constructor(private onError: (error: unknown, event: string) => void = () => {}) {}

  emit<E extends EventName>(name: E, payload: DomainEvents[E]): void {
    for (const handler of [...(this.handlers.get(name) ?? []), ...(this.handlers.get('*') ?? [])]) {
      const run = Promise.resolve()
        .then(() => handler({ ...payload, event: name }))
        .catch((error) => this.onError(error, name))
        .finally(() => this.pending.delete(run))
      this.pending.add(run)
    }
  }

  on<E extends EventName>(name: E, handler: Handler<E>): () => void {
    const set = this.handlers.get(name) ?? new Set()
    set.add(handler as AnyHandler)
    this.handlers.set(name, set)
    return () => set.delete(handler as AnyHandler)
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }
}
