import type { UsersService } from '../accounts/users.service.js'
import type { PublicCatalogService } from '../catalog/public-catalog.service.js'
import { outboxSourceOf } from '../events/outbox.js'
import type { OrdersService } from '../orders/orders.service.js'
import type { StoresService } from '../stores/store.service.js'
import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { ChatService, DEFAULT_CHAT_LIMITS } from './chat.service.js'
import { Presence, registerChatNotifier } from './chat-notifier.js'

/** Buyer-seller chat (docs/chat.md), who is online, and the offline email of a message. */
export function wireChat(
  p: Platform,
  deps: {
    stores: StoresService
    orders: OrdersService
    catalog: PublicCatalogService
    users: UsersService
  },
): Wired<{ chat: ChatService; presence: Presence }> {
  const { models, kv } = p
  const limits = { ...DEFAULT_CHAT_LIMITS, ...p.config.chat }
  const chat = new ChatService({
    conversations: models.conversations,
    messages: models.messages,
    uploads: models.uploads,
    stores: deps.stores,
    orders: deps.orders,
    products: {
      async liveProduct(ctx, productId) {
        const { body } = await deps.catalog.getProduct(ctx, productId)
        const { product } = JSON.parse(body) as {
          product: { id: string; title: string; store: { id: string } }
        }
        return { id: product.id, title: product.title, storeId: product.store.id }
      },
    },
    images: p.imageStore,
    audit: p.audit,
    events: p.events,
    limiter: p.limiter,
    clock: p.clock,
    logger: p.logger,
    limits,
  })
  const presence = new Presence(kv)
  return {
    services: { chat, presence },
    subscribe(bus) {
      registerChatNotifier(bus, {
        chat,
        presence,
        kv,
        notifications: p.notifications,
        mail: p.mail,
        people: deps.users,
        clock: p.clock,
        publicUrl: p.publicUrl,
        intervalMinutes: limits.emailIntervalMinutes,
      })
      bus.addOutboxSource(outboxSourceOf(models.messages))
    },
  }
}
