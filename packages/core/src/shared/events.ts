import type { Collection, Types } from 'mongoose'
import type { ChatMessageDTO } from '../chat/chat.types.js'
import type { TrackingCheckpointDTO } from '../orders/order.types.js'

/**
 * The closed catalog of domain events: every name and its payload. Emitting or listening to a
 * name that is not here does not compile. Events are recorded in the event log before anything
 * reacts (docs/architecture.md, "Events"); a subscriber's failure is retried by the relay, never
 * thrown back into the service that emitted.
 */
export interface DomainEvents {
  'user.signed_up': { userId: string; email: string; role: string }
  'user.verified': { userId: string }
  'user.suspended': { userId: string; reason: string }
  'user.reinstated': { userId: string }
  'user.password_reset': { userId: string }
  'store.registered': { storeId: string }
  'store.updated': { storeId: string }
  /** An administrator's decision on a store; `reason` is the one given, when one was. */
  'store.approved': { storeId: string; reason?: string }
  'store.rejected': { storeId: string; reason?: string }
  'store.suspended': { storeId: string; reason?: string }
  'store.reinstated': { storeId: string; reason?: string }
  'store.closed': { storeId: string; reason?: string }
  /**
   * A Paystack webhook event was verified and stored for the first time (payments). Its name is
   * `paystackEvent`: the bus adds its own `event` field to every payload.
   */
  'paystack.event_received': { eventKey: string; paystackEvent: string; reference: string | null }
  /** A seller subscription moved (plans): `status` is the new one, `planCode` the plan paid for. */
  'subscription.changed': { storeId: string; planCode: string; status: string; reason: string }
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
  /**
   * A tracking checkpoint was posted on a shipped order (orders). A `delivered` checkpoint is
   * followed by `order.delivered`.
   */
  'order.tracking_updated': OrderEventPayload & { checkpoint: TrackingCheckpointDTO }
  /** A payment signal for an order group did not match; administrators look (orders). */
  'order_group.payment_issue': { orderGroupId: string; code: string }
  /**
   * A dispute case opened or took a step (disputes): `step` names it, `headline` and `detail`
   * are what both parties are told (inbox and mail), `status` is where the case is now.
   */
  'dispute.updated': {
    disputeId: string
    orderId: string
    storeId: string
    buyerId: string
    status: string
    step: string
    headline: string
    detail: string
  }
  'refund.processed': { refundId: string; orderId: string; amount: number }
  'refund.failed': { refundId: string; orderId: string; amount: number }
  /**
   * An item was added to a user's inbox (notifications). `unreadCount` is the user's absolute
   * unread count as of the inbox's change counter `seq`: keep the badge with the highest seq.
   */
  'notification.created': {
    userId: string
    notificationId: string
    type: string
    title: string
    unreadCount: number
    seq: number
  }
  /**
   * A checkout's fraud decision was made (fraud): pushed to the `admin` channel. `rules` are
   * the ids of the rules that fired; `caseId` is set for `review` and `hold`.
   */
  'fraud.decision_made': {
    decisionId: string
    orderGroupId: string
    buyerId: string
    storeIds: string[]
    outcome: 'allow' | 'review' | 'hold' | 'decline'
    score: number
    riskScore: number
    rules: string[]
    caseId?: string
    shadowOutcome?: 'allow' | 'review' | 'hold' | 'decline'
  }
  /** An administrator cleared a fraud case: its holds are released (fraud). */
  'fraud.case_cleared': { caseId: string; orderGroupId: string; buyerId: string }
  /** An administrator confirmed a fraud case (fraud). */
  'fraud.case_confirmed': { caseId: string; orderGroupId: string; buyerId: string }
  /**
   * Items were read or archived (notifications): the badge went down on one device, so every
   * other device of the user learns the new absolute count, as of `seq`.
   */
  'notification.badge_changed': { userId: string; unreadCount: number; seq: number }
  /**
   * The recommendations job stored new lists and `popular` sort keys (recommendations): cached
   * catalog and recommendation answers are dropped.
   */
  'recommendations.refreshed': { products: number; buyers: number; popularityChanged: number }
  /** A chat message was stored with its sequence (chat); `message` is what both parties see. */
  'chat.message_sent': {
    conversationId: string
    storeId: string
    buyerId: string
    senderId: string
    senderRole: 'buyer' | 'seller'
    message: ChatMessageDTO
  }
  /** A party read a conversation up to `seq` (read receipts). */
  'chat.read': {
    conversationId: string
    storeId: string
    buyerId: string
    readerRole: 'buyer' | 'seller'
    seq: number
  }
  /** A party blocked (`blocked: true`) or unblocked the other in a conversation. */
  'chat.blocked': {
    conversationId: string
    storeId: string
    buyerId: string
    by: 'buyer' | 'seller'
    blocked: boolean
  }
  /** A party reported a conversation to trust and safety (the report's text stays private). */
  'chat.conversation_reported': {
    conversationId: string
    storeId: string
    buyerId: string
    reporterId: string
  }
  /**
   * Moderation blocked an attempt to move payment off the platform (chat). Trust and safety
   * (fraud review) consumes it. No message text: `reasons` are the rule ids that matched.
   */
  'chat.message_flagged': {
    conversationId: string
    messageId?: string
    storeId: string
    buyerId: string
    senderId: string
    reasons: string[]
  }
  /**
   * Reconciliation found a mismatch not seen before, or seen again after it had cleared
   * (reconcile): pushed to the `admin` channel, and an inbox item for every administrator.
   */
  'reconcile.item_opened': {
    itemId: string
    kind: string
    subject: string
    message: string
    date: string
  }
}

/** What every `order.<status>` event carries. */
export interface OrderEventPayload {
  orderId: string
  orderGroupId: string
  storeId: string
  buyerId: string
  [key: string]: unknown
}

export type EventName = keyof DomainEvents

/**
 * What a handler receives: the payload plus the event's name and id. The id is the event log's
 * `_id`; a handler that may see an event twice (a subscriber retried after a crash) dedupes by it.
 */
export type Delivered<E extends EventName> = DomainEvents[E] & { event: E; eventId: string }
/** Any event of the catalog, as delivered (narrow it on `event`). */
export type AnyDelivered = { [E in EventName]: Delivered<E> }[EventName]
export type Handler<E extends EventName> = (event: Delivered<E>) => void | Promise<void>

/**
 * An event an aggregate carries in the same single-document update as its state change (the
 * aggregate's `outbox` array). The relay copies it to the event log under the same `_id`.
 */
export interface OutboxEntry {
  _id: Types.ObjectId
  name: EventName
  payload: Record<string, unknown>
  at: Date
}

/** A collection whose documents carry an `outbox` (orders, products, refunds). */
export interface OutboxSource {
  name: string
  collection: Pick<Collection, 'find' | 'findOne' | 'updateOne'>
}

export interface EventBus {
  /**
   * Records the event in the event log, then delivers it: to this process's listeners at once,
   * to other processes through the log (and Redis), to the subscribers once. Resolves with the
   * event id when the event is recorded (not when handlers finish).
   */
  emit<E extends EventName>(name: E, payload: DomainEvents[E]): Promise<string>
  /** The outbox entry to `$push` onto an aggregate's `outbox` in its state-changing update. */
  outboxEntry<E extends EventName>(name: E, payload: DomainEvents[E]): OutboxEntry
  /**
   * After the aggregate's update succeeded: copies its outbox entries to the event log
   * (idempotently), removes them from the aggregate and delivers them. Never throws: if the copy
   * fails or the process dies first, the relay's outbox sweep does the same later.
   */
  publishOutbox(source: OutboxSource, id: unknown, entries: OutboxEntry[]): Promise<void>
  /**
   * Listens in this process to every event of that name, whichever process recorded it (caches,
   * sockets). Best effort: a process that is down misses what happens meanwhile.
   */
  on<E extends EventName>(name: E, handler: Handler<E>): () => void
  /** Listens in this process to every event (an administrator's live tail, a socket gateway). */
  onAny(handler: (event: AnyDelivered) => void | Promise<void>): () => void
  /**
   * Adds a subscriber: a reaction that must happen once for the whole marketplace (mail, money,
   * files). The process that claims the event runs it; a failure is retried by the relay.
   * `subscriber` names it in the event log (`done`), so it must be stable across releases.
   */
  subscribe<E extends EventName>(name: E, subscriber: string, handler: Handler<E>): void
  /** Resolves when every handler started so far has finished; tests and shutdown use it. */
  drain(): Promise<void>
}
