import { z } from 'zod'
import { pageQuery } from '../shared/paging.js'

/** The longest message, in characters (longer ones are refused with 413, nothing stored). */
export const MAX_MESSAGE_CHARS = 2_000
/** Images one message may carry. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 4

const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id')

/** What a conversation or a message points at; the label is frozen when it is written. */
export const CHAT_CONTEXT_KINDS = ['product', 'store', 'order'] as const
export type ChatContextKind = (typeof CHAT_CONTEXT_KINDS)[number]

/** A buyer starts (or reopens) the conversation with a store from a product, the store or an order. */
export const startConversationBody = z
  .object({
    productId: objectId.optional(),
    storeId: objectId.optional(),
    orderId: objectId.optional(),
  })
  .strict()
  .refine((b) => [b.productId, b.storeId, b.orderId].filter(Boolean).length === 1, {
    message: 'give exactly one of productId, storeId, orderId',
  })
export type StartConversationBody = z.infer<typeof startConversationBody>

/**
 * One message. `clientMessageId` makes a retried send store the message once. The length limit
 * is checked by the service (413): this bound only keeps absurd bodies out of the parser.
 */
export const sendMessageBody = z
  .object({
    body: z
      .string()
      .max(MAX_MESSAGE_CHARS * 10)
      .default(''),
    clientMessageId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64')
      .optional(),
    productId: objectId.optional(),
    orderId: objectId.optional(),
    attachmentIds: z.array(objectId).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
  })
  .strict()
export type SendMessageBody = z.infer<typeof sendMessageBody>

export const listConversationsQuery = pageQuery
export type ListConversationsQuery = z.infer<typeof listConversationsQuery>

/** Messages newest first, a page at a time; with `since`, only those after that sequence. */
export const listMessagesQuery = pageQuery.extend({
  since: z.coerce.number().int().min(0).optional(),
})
export type ListMessagesQuery = z.infer<typeof listMessagesQuery>

export const markReadBody = z.object({ seq: z.number().int().min(0) }).strict()
export type MarkReadBody = z.infer<typeof markReadBody>

export const reportConversationBody = z
  .object({ reason: z.string().trim().min(3).max(1000) })
  .strict()
export type ReportConversationBody = z.infer<typeof reportConversationBody>

/** Administrators: conversations under review (reported or flagged). */
export const adminConversationsQuery = pageQuery.extend({
  /** `reported`: reported by a party; `flagged`: moderation blocked a message; default both. */
  filter: z.enum(['reported', 'flagged', 'any']).default('any'),
  /** `open` (default), `resolved` or `all`. */
  state: z.enum(['open', 'resolved', 'all']).default('open'),
})
export type AdminConversationsQuery = z.infer<typeof adminConversationsQuery>

export const resolveConversationBody = z
  .object({
    resolution: z.enum(['no_action', 'warned', 'suspended']),
    note: z.string().trim().min(3).max(1000),
  })
  .strict()
export type ResolveConversationBody = z.infer<typeof resolveConversationBody>
