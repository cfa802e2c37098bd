export * from './chat.schemas.js'
export {
  type ChatDeps,
  type ChatLimits,
  type ChatOrders,
  type ChatProducts,
  ChatService,
  DEFAULT_CHAT_LIMITS,
} from './chat.service.js'
export type * from './chat.types.js'
export {
  type ChatNotifierDeps,
  PRESENCE_TTL_SECONDS,
  Presence,
  registerChatNotifier,
} from './chat-notifier.js'
export {
  findViolations,
  MODERATION_RULES,
  type ModerationResult,
  moderateMessage,
  normalizeForModeration,
  REDACTED,
} from './moderation.js'
