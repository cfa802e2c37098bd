import { UnprocessableError } from '../shared/errors.js'
import type {
  ChatAttachment,
  ChatContext,
  ChatRole,
  ConversationDoc,
  MessageDoc,
} from './chat.model.js'
import type {
  AdminConversationDTO,
  AdminMessageDTO,
  ChatAttachmentDTO,
  ChatMessageDTO,
  ConversationDTO,
  SendMessageResult,
} from './chat.types.js'

/** A conversation as one of its parties sees it (`storeName`: '' once the store is gone). */
export function toConversationDTO(
  row: ConversationDoc,
  as: ChatRole,
  storeName: string,
): ConversationDTO {
  const readSeq = as === 'buyer' ? row.buyerReadSeq : row.sellerReadSeq
  const otherReadSeq = as === 'buyer' ? row.sellerReadSeq : row.buyerReadSeq
  return {
    id: String(row._id),
    buyerId: row.buyerId,
    storeId: row.storeId,
    storeName,
    as,
    context: { kind: row.context.kind, id: row.context.id, label: row.context.label },
    lastSeq: row.lastSeq,
    lastMessage: row.lastMessage?.messageId
      ? {
          messageId: row.lastMessage.messageId,
          senderRole: row.lastMessage.senderRole,
          preview: row.lastMessage.preview,
          at: row.lastMessage.at.toISOString(),
        }
      : null,
    readSeq,
    unreadCount: Math.max(0, row.lastSeq - readSeq),
    otherReadSeq,
    blocked: Boolean(row.blockedBy),
    blockedByYou: row.blockedBy === as,
    createdAt: row.createdAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
  }
}

const PREVIEW_CHARS = 140

/** The last message's preview in a conversation list. */
export function previewOf(message: Pick<MessageDoc, 'body' | 'attachments'>): string {
  if (!message.body) return message.attachments.length > 0 ? '[image]' : ''
  return message.body.length > PREVIEW_CHARS
    ? `${message.body.slice(0, PREVIEW_CHARS - 1)}…`
    : message.body
}

export function blockedError(reasons: string[]) {
  return new UnprocessableError(
    'This message was not sent: payments must go through KlosetStore checkout',
    'message_blocked',
    { reasons },
  )
}

export function replay(row: MessageDoc): SendMessageResult {
  return {
    message: toMessageDTO(row),
    replayed: true,
    moderation: {
      action: row.moderation?.action === 'redact' ? 'redact' : 'allow',
      reasons: row.moderation?.reasons ?? [],
      notices: [],
    },
  }
}

export const toAttachmentDTO = (a: ChatAttachment): ChatAttachmentDTO => ({
  id: a.id,
  url: a.url,
  width: a.width,
  height: a.height,
  format: a.format,
  bytes: a.bytes,
})

const contextDTO = (c: ChatContext | undefined) =>
  c?.kind ? { context: { kind: c.kind, id: c.id, label: c.label } } : {}

export function toMessageDTO(row: MessageDoc): ChatMessageDTO {
  return {
    id: String(row._id),
    conversationId: row.conversationId,
    seq: row.seq ?? 0,
    senderId: row.senderId,
    senderRole: row.senderRole,
    clientMessageId: row.clientMessageId,
    body: row.body,
    redacted: row.moderation?.action === 'redact',
    ...contextDTO(row.context),
    attachments: (row.attachments ?? []).map(toAttachmentDTO),
    createdAt: row.createdAt.toISOString(),
  }
}

export function toAdminMessageDTO(row: MessageDoc): AdminMessageDTO {
  return {
    id: String(row._id),
    seq: row.seq ?? null,
    state: row.state,
    senderId: row.senderId,
    senderRole: row.senderRole,
    body: row.body,
    original: row.original ?? null,
    moderation: row.moderation?.action
      ? { action: row.moderation.action, reasons: row.moderation.reasons ?? [] }
      : null,
    ...contextDTO(row.context),
    attachments: (row.attachments ?? []).map(toAttachmentDTO),
    createdAt: row.createdAt.toISOString(),
  }
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : null)

export function toAdminConversationDTO(row: ConversationDoc): AdminConversationDTO {
  const review = row.review
  return {
    id: String(row._id),
    buyerId: row.buyerId,
    storeId: row.storeId,
    context: { kind: row.context.kind, id: row.context.id, label: row.context.label },
    lastSeq: row.lastSeq,
    blockedBy: row.blockedBy ?? null,
    review: {
      state: review?.state ?? 'open',
      reportedAt: iso(review?.reportedAt),
      reports: (review?.reports ?? []).map((r) => ({ ...r, at: r.at.toISOString() })),
      flaggedAt: iso(review?.flaggedAt),
      flagCount: review?.flagCount ?? 0,
      resolvedAt: iso(review?.resolvedAt),
      resolvedBy: review?.resolvedBy ?? null,
      resolution: review?.resolution ?? null,
      note: review?.note ?? null,
    },
    createdAt: row.createdAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
  }
}
