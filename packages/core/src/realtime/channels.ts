import type { AnyDelivered, DomainEvents, EventBus, EventName } from '../shared/events.js'

/** A channel name, parsed: `admin`, `user:<id>`, `order:<id>`, `store:<id>`, `conversation:<id>`. */
export type Channel =
  | { kind: 'admin' }
  | { kind: 'user' | 'order' | 'store' | 'conversation'; id: string }

const CHANNEL = /^(user|order|store|conversation):([A-Za-z0-9_-]{1,64})$/

/** The channel a name stands for, or undefined for a name that is not a channel. */
export function parseChannel(name: string): Channel | undefined {
  if (name === 'admin') return { kind: 'admin' }
  const match = CHANNEL.exec(name)
  return match
    ? { kind: match[1] as 'user' | 'order' | 'store' | 'conversation', id: match[2] as string }
    : undefined
}

type Route<E extends EventName> = (payload: DomainEvents[E]) => string[]
/** The catalog's named events (without its catch-all index signature). */
type NamedEvents = { [K in keyof DomainEvents as string extends K ? never : K]: DomainEvents[K] }

const orderChannels = (p: { orderId: string; storeId: string }) => [
  `order:${p.orderId}`,
  `store:${p.storeId}`,
]
const storeAndAdmin = (p: { storeId: string }) => [`store:${p.storeId}`, 'admin']

/**
 * Which channels each domain event is pushed on (the WebSocket's routing table). Events not
 * listed here are not pushed. A payload goes out as the publication's `data`, unchanged.
 */
export const realtimeRoutes: { [E in keyof NamedEvents]?: (payload: NamedEvents[E]) => string[] } =
  {
    'user.signed_up': () => ['admin'],
    'user.suspended': (p) => [`user:${p.userId}`],
    'order.processing': orderChannels,
    'order.shipped': orderChannels,
    'order.delivered': orderChannels,
    'order.completed': orderChannels,
    'order.cancelled': orderChannels,
    'order.disputed': (p) => [...orderChannels(p), 'admin'],
    'order.resolved': orderChannels,
    'order.tracking_updated': orderChannels,
    'dispute.updated': (p) => [...orderChannels(p), 'admin'],
    'order_group.payment_issue': () => ['admin'],
    'stock.low': (p) => [`store:${p.storeId}`],
    'payout.sent': (p) => [`store:${p.storeId}`],
    'payout.paid': (p) => [`store:${p.storeId}`],
    'payout.failed': (p) => [`store:${p.storeId}`],
    'store.registered': storeAndAdmin,
    'store.approved': storeAndAdmin,
    'store.rejected': storeAndAdmin,
    'store.suspended': storeAndAdmin,
    'store.reinstated': storeAndAdmin,
    'store.closed': storeAndAdmin,
    'product.approved': storeAndAdmin,
    'product.rejected': storeAndAdmin,
    'product.archived': storeAndAdmin,
    'notification.created': (p) => [`user:${p.userId}`],
    'fraud.decision_made': () => ['admin'],
    'fraud.case_cleared': () => ['admin'],
    'fraud.case_confirmed': () => ['admin'],
    'notification.badge_changed': (p) => [`user:${p.userId}`],
    'chat.message_sent': (p) => [`conversation:${p.conversationId}`],
    'chat.read': (p) => [`conversation:${p.conversationId}`],
    'chat.blocked': (p) => [`conversation:${p.conversationId}`],
    'chat.conversation_reported': () => ['admin'],
    'chat.message_flagged': () => ['admin'],
    'reconcile.item_opened': () => ['admin'],
  }

/** The channels {@link realtimeRoutes} pushes a delivered event on (none when it is not routed). */
export function channelsOf(event: AnyDelivered): string[] {
  const route = realtimeRoutes[event.event as keyof typeof realtimeRoutes] as
    | Route<EventName>
    | undefined
  return route ? route(event) : []
}

/** One domain event as the WebSocket pushes it, on one channel. */
export interface ChannelPublication {
  channel: string
  event: string
  data: Record<string, unknown>
}

/**
 * Subscribes to every event in {@link realtimeRoutes} and hands each (channel, event, payload)
 * to `publish`. Returns the function that unsubscribes them all.
 */
export function onRealtimeEvents(
  events: EventBus,
  publish: (publication: ChannelPublication) => void,
): () => void {
  const offs = Object.entries(realtimeRoutes).map(([event, route]) =>
    events.on(event as EventName, (payload) => {
      // The bus adds the event's name and id to every payload; the publication has its own.
      const { event: _name, eventId: _id, ...data } = payload as Record<string, unknown>
      for (const channel of (route as Route<EventName>)(payload)) publish({ channel, event, data })
    }),
  )
  return () => {
    for (const off of offs) off()
  }
}
