import {
  type AdminConversationDTO,
  type AdminMessageDTO,
  CHAT_CONTEXT_KINDS,
  type ChatAttachmentDTO,
  type ChatMessageDTO,
  type ChatService,
  type ConversationDTO,
  type Page,
  type SendMessageResult,
} from '@kloset/core'
import { z } from 'zod'
import { type Agrees, type Assert, at, count, id, pageOf } from './dto.schemas.js'

/*
 * Buyer-seller chat (docs/chat.md): the shapes its routes answer with, named as components, and
 * the bodies the route rows point at. The guards at the bottom fail the build when a core chat
 * DTO and its schema part ways.
 */

const strict = z.strictObject
const chatRole = z.enum(['buyer', 'seller'])
const reasons = z.array(z.string().meta({ example: 'phone' }))

export const chatContext = strict({
  kind: z.enum(CHAT_CONTEXT_KINDS),
  id,
  label: z.string().meta({ example: 'Adire wrap dress' }),
}).meta({ id: 'ChatContext' })

export const chatAttachmentDTO = strict({
  id,
  url: z.string().meta({ example: '/media/chat/6750a1f2/photo.webp' }),
  width: count.meta({ example: 1200 }),
  height: count.meta({ example: 1600 }),
  format: z.string().meta({ description: 'jpeg, png or webp', example: 'webp' }),
  bytes: count.meta({ example: 184320 }),
}).meta({ id: 'ChatAttachment' })

export const chatMessageDTO = strict({
  id,
  conversationId: id,
  seq: count.meta({ example: 7 }),
  senderId: id,
  senderRole: chatRole,
  clientMessageId: z.string().meta({ example: 'c7f1d2e4-msg-0007' }),
  body: z.string().meta({ example: 'Is the medium still in stock?' }),
  redacted: z.boolean().meta({
    description: 'True when contact details were hidden from the text (before a paid order)',
    example: false,
  }),
  context: chatContext.optional(),
  attachments: z.array(chatAttachmentDTO),
  createdAt: at,
}).meta({ id: 'ChatMessage' })

export const conversationDTO = strict({
  id,
  buyerId: id,
  storeId: id,
  storeName: z.string().meta({ example: 'Adire House' }),
  as: chatRole.meta({ description: 'Which side the viewer is on' }),
  context: chatContext,
  lastSeq: count.meta({ example: 7 }),
  lastMessage: strict({
    messageId: id,
    senderRole: chatRole,
    preview: z.string().meta({ example: 'Is the medium still in stock?' }),
    at,
  }).nullable(),
  readSeq: count.meta({ description: 'Your last read sequence', example: 5 }),
  unreadCount: count.meta({ description: '`lastSeq - readSeq`', example: 2 }),
  otherReadSeq: count.meta({ description: "The other party's last read sequence", example: 7 }),
  blocked: z.boolean().meta({ example: false }),
  blockedByYou: z.boolean().meta({ example: false }),
  createdAt: at,
  lastActivityAt: at,
}).meta({ id: 'Conversation' })

export const sendMessageResult = strict({
  message: chatMessageDTO,
  replayed: z.boolean().meta({
    description: 'True when this clientMessageId was already stored: nothing new was sent',
    example: false,
  }),
  moderation: strict({
    action: z.enum(['allow', 'redact']),
    reasons,
    notices: z.array(
      z.string().meta({
        example: 'phone numbers are hidden until you have a paid order with this store',
      }),
    ),
  }),
}).meta({ id: 'SendMessageResult' })

export const adminConversationDTO = strict({
  id,
  buyerId: id,
  storeId: id,
  context: chatContext,
  lastSeq: count.meta({ example: 7 }),
  blockedBy: chatRole.nullable().meta({ example: null }),
  review: strict({
    state: z.enum(['open', 'resolved']),
    reportedAt: at.nullable(),
    reports: z.array(
      strict({
        by: id,
        role: chatRole,
        reason: z.string().meta({ example: 'Asked me to pay by bank transfer' }),
        at,
      }),
    ),
    flaggedAt: at.nullable().meta({ example: null }),
    flagCount: count.meta({ example: 0 }),
    resolvedAt: at.nullable().meta({ example: null }),
    resolvedBy: z.string().nullable().meta({ example: null }),
    resolution: z
      .string()
      .nullable()
      .meta({ description: 'no_action, warned or suspended; null while open', example: null }),
    note: z.string().nullable().meta({ example: null }),
  }),
  createdAt: at,
  lastActivityAt: at,
}).meta({ id: 'AdminConversation' })

export const adminMessageDTO = strict({
  id,
  seq: count.nullable().meta({ description: 'null for a blocked attempt', example: 7 }),
  state: z.enum(['pending', 'sent', 'blocked']).meta({ example: 'sent' }),
  senderId: id,
  senderRole: chatRole,
  body: z.string().meta({ example: 'Call me on [hidden]' }),
  original: z
    .string()
    .nullable()
    .meta({ description: 'The text before moderation changed it', example: null }),
  moderation: strict({ action: z.enum(['redact', 'block']), reasons })
    .nullable()
    .meta({ example: null }),
  context: chatContext.optional(),
  attachments: z.array(chatAttachmentDTO),
  createdAt: at,
}).meta({ id: 'AdminChatMessage' })

export const conversationBody = strict({ conversation: conversationDTO })
export const conversationsPage = pageOf(conversationDTO)
export const chatMessagesPage = pageOf(chatMessageDTO)
export const chatAttachmentBody = strict({ attachment: chatAttachmentDTO })
export const reportedBody = strict({ reported: z.literal(true) })
export const adminConversationsPage = pageOf(adminConversationDTO)
export const adminConversationBody = strict({ conversation: adminConversationDTO })
export const adminConversationShowBody = strict({
  conversation: adminConversationDTO,
  messages: pageOf(adminMessageDTO),
})

type Answer<M extends keyof ChatService> = ChatService[M] extends (...args: never[]) => infer R
  ? Awaited<R>
  : never
export type ChatSchemasAgree = [
  Assert<Agrees<typeof chatAttachmentDTO, ChatAttachmentDTO>>,
  Assert<Agrees<typeof chatMessageDTO, ChatMessageDTO>>,
  Assert<Agrees<typeof conversationDTO, ConversationDTO>>,
  Assert<Agrees<typeof sendMessageResult, SendMessageResult>>,
  Assert<Agrees<typeof adminConversationDTO, AdminConversationDTO>>,
  Assert<Agrees<typeof adminMessageDTO, AdminMessageDTO>>,
  Assert<Agrees<typeof conversationsPage, Page<ConversationDTO>>>,
  Assert<Agrees<typeof chatMessagesPage, Page<ChatMessageDTO>>>,
  Assert<Agrees<typeof reportedBody, Answer<'report'>>>,
  Assert<Agrees<typeof adminConversationsPage, Page<AdminConversationDTO>>>,
  Assert<Agrees<typeof adminConversationShowBody, Answer<'adminShow'>>>,
]
