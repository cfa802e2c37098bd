import {
  adminConversationsQuery,
  listConversationsQuery,
  listMessagesQuery,
  MAX_IMAGE_BYTES,
  markReadBody,
  reportConversationBody,
  resolveConversationBody,
  sendMessageBody,
  startConversationBody,
} from '@kloset/core'
import {
  adminConversationBody,
  adminConversationShowBody,
  adminConversationsPage,
  chatAttachmentBody,
  chatMessagesPage,
  conversationBody,
  conversationsPage,
  reportedBody,
  sendMessageResult,
} from '../contract/chat.schemas.js'
import { readMultipartFile } from '../http/multipart.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Chat'
const parties = ['buyer', 'seller'] as const
const notFound = 'No such conversation of yours'

/** Buyer-seller chat (docs/chat.md): the buyer's side and the store's side share the routes. */
export const chatRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/conversations',
    auth: ['buyer'],
    tag,
    summary:
      'Start the conversation with a store from a product, the store or one of your orders, or reopen the one you have',
    body: startConversationBody,
    response: conversationBody,
    responses: {
      200: '{ conversation } (it already existed)',
      201: '{ conversation } (new)',
      400: 'Not exactly one of productId, storeId, orderId',
      404: 'No such live product, approved store or order of yours',
      429: '5 new conversations an hour (Retry-After)',
    },
    handler: async (_req, { core, ctx, input }) => {
      const { conversation, created } = await core.chat.start(ctx, input.body)
      return json({ conversation }, created ? 201 : 200)
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/conversations',
    auth: parties,
    tag,
    summary:
      "Your conversations (a seller: the store's), latest activity first, with the last message and unread count",
    query: listConversationsQuery,
    response: conversationsPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid cursor or limit' },
    handler: async (_req, { core, ctx, input }) => json(await core.chat.list(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/conversations/:id',
    auth: parties,
    tag,
    summary: 'One conversation: last sequence, your read position, unread count, block state',
    response: conversationBody,
    responses: { 200: '{ conversation }', 404: notFound },
    handler: async (_req, { core, ctx, params }) =>
      json({ conversation: await core.chat.get(ctx, params.id!) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/conversations/:id/messages',
    auth: parties,
    tag,
    summary: 'Messages newest first (`cursor`); with `since`, only those after that sequence',
    query: listMessagesQuery,
    response: chatMessagesPage,
    responses: {
      200: '{ items, nextCursor }',
      400: 'Invalid cursor, limit or since',
      404: notFound,
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json(await core.chat.messages(ctx, params.id!, input.query)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/conversations/:id/messages',
    auth: parties,
    tag,
    summary:
      'Send a message (text up to 2,000 characters, optional product or order, images); a retry with the same clientMessageId is stored once',
    body: sendMessageBody,
    response: sendMessageResult,
    responses: {
      200: '{ message, replayed: true, moderation } (this clientMessageId was already stored)',
      201: '{ message, replayed: false, moderation } (what moderation hid, and why)',
      400: 'Empty message (empty_message), unknown attachment, product or order of another store',
      403: 'The conversation is blocked (conversation_blocked)',
      404: notFound,
      409: 'The same clientMessageId is being sent right now (send_in_progress)',
      413: 'Over 2,000 characters (message_too_long)',
      422: 'Refused: moving payment off the platform (message_blocked, details.reasons)',
      429: '20 messages a minute (Retry-After)',
    },
    handler: async (_req, { core, ctx, params, input }) => {
      const result = await core.chat.send(ctx, params.id!, input.body)
      return json(result, result.replayed ? 200 : 201)
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/conversations/:id/attachments',
    auth: parties,
    tag,
    summary:
      'Upload an image (JPEG, PNG or WebP, at most 5 MB and 40 megapixels) to send with attachmentIds',
    upload: {
      field: 'image',
      maxBytes: MAX_IMAGE_BYTES,
      accept: ['image/jpeg', 'image/png', 'image/webp'],
    },
    response: chatAttachmentBody,
    responses: {
      201: '{ attachment }',
      400: 'No file, more than one, or a corrupt image (invalid_image)',
      403: 'The conversation is blocked (conversation_blocked)',
      404: notFound,
      413: 'Over 5 MB (payload_too_large) or 40 megapixels (image_too_large)',
      415: 'Not a JPEG, PNG or WebP by its bytes (unsupported_media_type)',
      429: 'Counts as a message: 20 a minute (Retry-After)',
    },
    handler: async (req, { core, ctx, params }) => {
      const file = await readMultipartFile(req, 'image', MAX_IMAGE_BYTES)
      return json({ attachment: await core.chat.upload(ctx, params.id!, file) }, 201)
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/conversations/:id/read',
    auth: parties,
    tag,
    summary: 'Mark read up to a sequence; the read position never moves back',
    body: markReadBody,
    response: conversationBody,
    responses: { 200: '{ conversation }', 400: 'seq missing or negative', 404: notFound },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        conversation: await core.chat.markRead(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/conversations/:id/report',
    auth: parties,
    tag,
    summary: 'Report the conversation to trust and safety (administrators may then read it)',
    body: reportConversationBody,
    response: reportedBody,
    responses: { 200: '{ reported: true }', 400: 'reason missing', 404: notFound },
    handler: async (_req, { core, ctx, params, input }) =>
      json(await core.chat.report(ctx, params.id!, input.body)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/conversations/:id/block',
    auth: parties,
    tag,
    summary: 'Block the other party: neither side can send until you unblock',
    response: conversationBody,
    responses: {
      200: '{ conversation }',
      404: notFound,
      409: 'The other party already blocked it (already_blocked)',
    },
    handler: async (_req, { core, ctx, params }) =>
      json({ conversation: await core.chat.block(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/conversations/:id/unblock',
    auth: parties,
    tag,
    summary: 'Lift your block',
    response: conversationBody,
    responses: {
      200: '{ conversation }',
      403: 'The other party blocked it (not_your_block)',
      404: notFound,
    },
    handler: async (_req, { core, ctx, params }) =>
      json({ conversation: await core.chat.unblock(ctx, params.id!) }),
  }),
]

const adminTag = 'Admin: chat'
const notReviewable = 'No reported or flagged conversation with this id'

/** Trust and safety: reported or flagged conversations only; every read is audit-logged. */
export const adminChatRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/conversations',
    auth: ['admin'],
    tag: adminTag,
    summary:
      'Conversations under review, newest first: `filter` reported|flagged|any, `state` open|resolved|all (no message text)',
    query: adminConversationsQuery,
    response: adminConversationsPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid filter', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.chat.adminList(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/conversations/:id',
    auth: ['admin'],
    tag: adminTag,
    summary:
      'A reported or flagged conversation with its messages (blocked attempts and original texts included); audit-logged',
    query: listMessagesQuery,
    response: adminConversationShowBody,
    responses: {
      200: '{ conversation, messages }',
      403: 'Not an administrator',
      404: notReviewable,
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json(await core.chat.adminShow(ctx, params.id!, input.query)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/conversations/:id/resolve',
    auth: ['admin'],
    tag: adminTag,
    summary: 'Close the review with a resolution (no_action, warned, suspended) and a note',
    body: resolveConversationBody,
    response: adminConversationBody,
    responses: {
      200: '{ conversation }',
      400: 'resolution or note missing',
      403: 'Not an administrator',
      404: notReviewable,
      409: 'Already resolved (already_resolved)',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        conversation: await core.chat.adminResolve(ctx, params.id!, input.body),
      }),
  }),
]
