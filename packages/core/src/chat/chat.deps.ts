import type { AuditService } from '../audit/audit.service.js'
import type { ImageStore } from '../images/image-store.port.js'
import type { Clock } from '../shared/clock.js'
import type { Ctx } from '../shared/ctx.js'
import { NotFoundError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import type { RateLimiter } from '../shared/rate-limit.js'
import type { StoreLookup } from '../stores/store.types.js'
import type { ChatRole, ConversationModel, MessageModel, UploadModel } from './chat.model.js'

/** The chat's limits (docs/chat.md); configuration can change them (`config.chat`). */
export interface ChatLimits {
  /** Messages a sender may send per minute, over all conversations. */
  messagesPerMinute: number
  /** New conversations a buyer may start per hour. */
  conversationsPerHour: number
  /** At most one "new message" email per conversation and recipient in this many minutes. */
  emailIntervalMinutes: number
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  messagesPerMinute: 20,
  conversationsPerHour: 5,
  emailIntervalMinutes: 15,
}

/** What chat needs from orders: a party's view of an order, and whether the buyer has paid one. */
export interface ChatOrders {
  getOwn(ctx: Ctx, orderId: string): Promise<{ id: string; storeId: string }>
  getForSeller(ctx: Ctx, orderId: string): Promise<{ id: string; storeId: string }>
  hasPaidOrderWith(buyerId: string, storeId: string): Promise<boolean>
}

/** What chat needs from the catalog: a live product's title and store. @throws NotFoundError */
export interface ChatProducts {
  liveProduct(ctx: Ctx, productId: string): Promise<{ id: string; title: string; storeId: string }>
}

export interface ChatDeps {
  conversations: ConversationModel
  messages: MessageModel
  uploads: UploadModel
  stores: Pick<StoreLookup, 'getStore' | 'requireOwnStore'>
  orders: ChatOrders
  products: ChatProducts
  images: ImageStore
  audit: AuditService
  events: EventBus
  limiter: RateLimiter
  clock: Clock
  logger: Logger
  limits: ChatLimits
}

/** The side of a conversation the actor is on, and their user id. */
export interface Party {
  role: ChatRole
  userId: string
}

export const notFound = () => new NotFoundError('Conversation')
export const isDuplicateKey = (error: unknown) => (error as { code?: unknown }).code === 11000
