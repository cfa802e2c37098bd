import { type Connection, type Model, Schema, type Types } from 'mongoose'
import type { ProductImage } from '../catalog/product-images.port.js'
import { outboxFields, type WithOutbox } from '../events/outbox.js'
import type { ChatContextKind } from './chat.schemas.js'

/** What a conversation or message points at, with the label frozen when it was written. */
export interface ChatContext {
  kind: ChatContextKind
  id: string
  label: string
}

export type ChatRole = 'buyer' | 'seller'

/**
 * One conversation per (buyer, store). `lastSeq` is the sequence of its last message, allocated
 * by an atomic `$inc`; each party's `readSeq` only moves forward (a guarded `$set`), so the
 * unread count `lastSeq - readSeq` never drifts.
 */
export interface ConversationDoc {
  _id: Types.ObjectId
  buyerId: string
  storeId: string
  context: ChatContext
  lastSeq: number
  lastMessage?: { messageId: string; senderRole: ChatRole; preview: string; at: Date }
  buyerReadSeq: number
  sellerReadSeq: number
  /** Who blocked the other party; while set, neither side can send. */
  blockedBy?: ChatRole
  blockedAt?: Date
  /** Review by trust and safety: set by a report or a blocked message, cleared by resolve. */
  review?: {
    state: 'open' | 'resolved'
    reportedAt?: Date
    reports: { by: string; role: ChatRole; reason: string; at: Date }[]
    flaggedAt?: Date
    flagCount: number
    resolvedAt?: Date
    resolvedBy?: string
    resolution?: string
    note?: string
  }
  createdAt: Date
  lastActivityAt: Date
}

const contextSchema = {
  kind: { type: String, required: true },
  id: { type: String, required: true },
  label: { type: String, required: true },
}

const conversationSchema = new Schema<ConversationDoc>(
  {
    buyerId: { type: String, required: true },
    storeId: { type: String, required: true },
    context: contextSchema,
    lastSeq: { type: Number, required: true, default: 0 },
    lastMessage: {
      messageId: String,
      senderRole: String,
      preview: String,
      at: Date,
    },
    buyerReadSeq: { type: Number, required: true, default: 0 },
    sellerReadSeq: { type: Number, required: true, default: 0 },
    blockedBy: String,
    blockedAt: Date,
    review: {
      state: String,
      reportedAt: Date,
      reports: [{ _id: false, by: String, role: String, reason: String, at: Date }],
      flaggedAt: Date,
      flagCount: Number,
      resolvedAt: Date,
      resolvedBy: String,
      resolution: String,
      note: String,
    },
    createdAt: { type: Date, required: true },
    lastActivityAt: { type: Date, required: true },
  },
  { collection: 'chat_conversations', versionKey: false },
)
conversationSchema.index({ buyerId: 1, storeId: 1 }, { unique: true })
conversationSchema.index({ buyerId: 1, lastActivityAt: -1, _id: -1 })
conversationSchema.index({ storeId: 1, lastActivityAt: -1, _id: -1 })
conversationSchema.index({ 'review.state': 1, _id: -1 })

export type ConversationModel = Model<ConversationDoc>
export const createConversationModel = (conn: Connection): ConversationModel =>
  conn.models.ChatConversation ??
  conn.model<ConversationDoc>('ChatConversation', conversationSchema)

/** An image a party uploaded to a conversation: stored like a product image, by the same pipeline. */
export type ChatAttachment = ProductImage

/** The stored fields of an attachment, in a message and in an upload. */
const attachmentFields = {
  id: String,
  url: String,
  storageKey: String,
  store: String,
  width: Number,
  height: Number,
  format: String,
  bytes: Number,
}

/**
 * One message. It is inserted `pending` (no `seq`) under its unique (conversation, sender,
 * clientMessageId), so a retried send finds it; then it gets its `seq` and becomes `sent`.
 * `blocked` messages never get a sequence: only administrators see them.
 */
export interface MessageDoc extends WithOutbox {
  _id: Types.ObjectId
  conversationId: string
  seq?: number
  state: 'pending' | 'sent' | 'blocked'
  senderId: string
  senderRole: ChatRole
  clientMessageId: string
  /** What the other party sees (contact details redacted before a paid order). */
  body: string
  /** The text as written, kept when moderation changed or blocked it (administrators only). */
  original?: string
  moderation?: { action: 'redact' | 'block'; reasons: string[] }
  context?: ChatContext
  attachments: ChatAttachment[]
  createdAt: Date
}

const messageSchema = new Schema<MessageDoc>(
  {
    conversationId: { type: String, required: true },
    seq: Number,
    state: { type: String, required: true, enum: ['pending', 'sent', 'blocked'] },
    senderId: { type: String, required: true },
    senderRole: { type: String, required: true },
    clientMessageId: { type: String, required: true },
    body: { type: String, default: '' },
    original: String,
    moderation: { action: String, reasons: [String] },
    context: { kind: String, id: String, label: String },
    attachments: { type: [{ _id: false, ...attachmentFields }], default: [] },
    createdAt: { type: Date, required: true },
    ...outboxFields,
  },
  { collection: 'chat_messages', versionKey: false },
)
messageSchema.index({ conversationId: 1, senderId: 1, clientMessageId: 1 }, { unique: true })
messageSchema.index({ conversationId: 1, seq: -1 })

export type MessageModel = Model<MessageDoc>
export const createMessageModel = (conn: Connection): MessageModel =>
  conn.models.ChatMessage ?? conn.model<MessageDoc>('ChatMessage', messageSchema)

/** An uploaded image waiting to be sent in a message of its conversation. */
export interface UploadDoc {
  _id: Types.ObjectId
  conversationId: string
  uploaderId: string
  attachment: ChatAttachment
  usedBy?: string
  createdAt: Date
}

const uploadSchema = new Schema<UploadDoc>(
  {
    conversationId: { type: String, required: true },
    uploaderId: { type: String, required: true },
    attachment: attachmentFields,
    usedBy: String,
    createdAt: { type: Date, required: true },
  },
  { collection: 'chat_uploads', versionKey: false },
)
uploadSchema.index({ conversationId: 1, uploaderId: 1 })

export type UploadModel = Model<UploadDoc>
export const createUploadModel = (conn: Connection): UploadModel =>
  conn.models.ChatUpload ?? conn.model<UploadDoc>('ChatUpload', uploadSchema)
