import type { ChatContext, ChatRole } from './chat.model.js'

export type { ChatContext, ChatRole }

/** An image on a message, as clients see it. */
export interface ChatAttachmentDTO {
  id: string
  url: string
  width: number
  height: number
  format: string
  bytes: number
}

/** One message as both parties see it. */
export interface ChatMessageDTO {
  id: string
  conversationId: string
  seq: number
  senderId: string
  senderRole: ChatRole
  clientMessageId: string
  body: string
  /** True when contact details were hidden from the text (before a paid order). */
  redacted: boolean
  context?: ChatContext
  attachments: ChatAttachmentDTO[]
  createdAt: string
}

/** One conversation as one of its parties sees it. */
export interface ConversationDTO {
  id: string
  buyerId: string
  storeId: string
  storeName: string
  /** Which side the viewer is on. */
  as: ChatRole
  context: ChatContext
  lastSeq: number
  lastMessage: { messageId: string; senderRole: ChatRole; preview: string; at: string } | null
  /** Your last read sequence, and `lastSeq - readSeq`. */
  readSeq: number
  unreadCount: number
  /** The other party's last read sequence (read receipts). */
  otherReadSeq: number
  blocked: boolean
  blockedByYou: boolean
  createdAt: string
  lastActivityAt: string
}

/** What a send answers: the stored message, and what moderation changed and why. */
export interface SendMessageResult {
  message: ChatMessageDTO
  /** True when the same clientMessageId had already been stored: nothing new was sent. */
  replayed: boolean
  moderation: { action: 'allow' | 'redact'; reasons: string[]; notices: string[] }
}

/** A conversation as an administrator reviews it. */
export interface AdminConversationDTO {
  id: string
  buyerId: string
  storeId: string
  context: ChatContext
  lastSeq: number
  blockedBy: ChatRole | null
  review: {
    state: 'open' | 'resolved'
    reportedAt: string | null
    reports: { by: string; role: ChatRole; reason: string; at: string }[]
    flaggedAt: string | null
    flagCount: number
    resolvedAt: string | null
    resolvedBy: string | null
    resolution: string | null
    note: string | null
  }
  createdAt: string
  lastActivityAt: string
}

/** A message as an administrator sees it: blocked ones and the original text included. */
export interface AdminMessageDTO {
  id: string
  seq: number | null
  state: 'pending' | 'sent' | 'blocked'
  senderId: string
  senderRole: ChatRole
  body: string
  original: string | null
  moderation: { action: 'redact' | 'block'; reasons: string[] } | null
  context?: ChatContext
  attachments: ChatAttachmentDTO[]
  createdAt: string
}
