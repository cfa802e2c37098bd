import { z } from 'zod'
import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import { OUTBOX_PENDING, outboxSourceOf } from '../events/outbox.js'
import { sanitizeImage } from '../images/image.sanitizer.js'
import type { ImageStore } from '../images/image-store.port.js'
import type { UploadedFile } from '../images/images.service.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, isAdmin, requireRole, requireUser } from '../shared/ctx.js'
import {
  AppError,
  ConflictError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  TooLargeError,
  UnprocessableError,
  ValidationError,
} from '../shared/errors.js'
import type { EventBus, OutboxSource } from '../shared/events.js'
import { isId, newId } from '../shared/ids.js'
import type { Logger } from '../shared/logger.js'
import { decodeCursor, encodeCursor, type Page, toPage } from '../shared/paging.js'
import type { RateLimiter } from '../shared/rate-limit.js'
import { validateInput } from '../shared/validate.js'
import type { StoreLookup } from '../stores/store.types.js'
import type {
  ChatAttachment,
  ChatContext,
  ChatRole,
  ConversationDoc,
  ConversationModel,
  MessageDoc,
  MessageModel,
  UploadModel,
} from './chat.model.js'
import {
  type AdminConversationsQuery,
  adminConversationsQuery,
  type ListConversationsQuery,
  type ListMessagesQuery,
  MAX_MESSAGE_CHARS,
  type MarkReadBody,
  type ReportConversationBody,
  type ResolveConversationBody,
  type SendMessageBody,
  type StartConversationBody,
} from './chat.schemas.js'
import type {
  AdminConversationDTO,
  AdminMessageDTO,
  ChatAttachmentDTO,
  ChatMessageDTO,
  ConversationDTO,
  SendMessageResult,
} from './chat.types.js'
import { moderateMessage } from './moderation.js'

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
interface Party {
  role: ChatRole
  userId: string
}

const notFound = () => new NotFoundError('Conversation')
const isDuplicateKey = (error: unknown) => (error as { code?: unknown }).code === 11000
const PREVIEW_CHARS = 140
/** A pending message older than this was left by a crash, and a retry finishes it. */
const STALE_PENDING_MS = 30_000
const inProgress = () =>
  new ConflictError('This message is being sent; retry shortly', 'send_in_progress')
const activityCursor = z.object({ at: z.number().int(), id: z.string().regex(/^[0-9a-f]{24}$/) })
const seqCursor = z.object({ seq: z.number().int().min(0) })

/**
 * Buyer-seller chat: one conversation per (buyer, store), messages with a gapless
 * per-conversation sequence, read state, limits, moderation, block and report, and the
 * administrators' review of reported or flagged conversations (every read audit-logged).
 */
export class ChatService {
  private outbox: OutboxSource

  constructor(private deps: ChatDeps) {
    this.outbox = outboxSourceOf(deps.messages)
  }

  // ---- conversations -----------------------------------------------------------------------

  /**
   * Starts the buyer's conversation with a store (from a product, the store or one of their
   * orders), or reopens the one they have: `created` says which. Only new conversations count
   * against the hourly limit.
   * @throws NotFoundError for an unknown or unavailable target, RateLimitedError, ForbiddenError
   */
  async start(
    ctx: Ctx,
    input: StartConversationBody,
  ): Promise<{ conversation: ConversationDTO; created: boolean }> {
    const buyerId = requireRole(ctx, 'buyer')
    const context = await this.contextForStart(ctx, input)
    const existing = await this.deps.conversations
      .findOne({ buyerId, storeId: context.storeId })
      .lean()
    if (existing) return { conversation: await this.toDTO(existing, 'buyer'), created: false }
    await this.deps.limiter.consume(
      `chat:new:${buyerId}`,
      this.deps.limits.conversationsPerHour,
      3600,
    )
    const now = this.deps.clock.now()
    try {
      const created = await this.deps.conversations.create({
        buyerId,
        storeId: context.storeId,
        context: context.context,
        lastSeq: 0,
        buyerReadSeq: 0,
        sellerReadSeq: 0,
        createdAt: now,
        lastActivityAt: now,
      })
      return { conversation: await this.toDTO(created.toObject(), 'buyer'), created: true }
    } catch (error) {
      // Two starts raced: the unique (buyer, store) index kept one.
      if (!isDuplicateKey(error)) throw error
      const raced = await this.deps.conversations
        .findOne({ buyerId, storeId: context.storeId })
        .lean()
      if (!raced) throw error
      return { conversation: await this.toDTO(raced, 'buyer'), created: false }
    }
  }

  /** The actor's conversations (a buyer's own, a seller's store's), most recent activity first. */
  async list(ctx: Ctx, query: ListConversationsQuery): Promise<Page<ConversationDTO>> {
    const { role, filter } = await this.ownFilter(ctx)
    if (query.cursor) {
      const { at, id } = decodeCursor(query.cursor, activityCursor)
      filter.$or = [
        { lastActivityAt: op({ $lt: new Date(at) }) },
        { lastActivityAt: new Date(at), _id: op({ $lt: id }) },
      ]
    }
    const rows = await this.deps.conversations
      .find(filter)
      .sort({ lastActivityAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean()
    const more = rows.length > query.limit
    const items = rows.slice(0, query.limit)
    const last = items.at(-1)
    return {
      items: await Promise.all(items.map((row) => this.toDTO(row, role))),
      ...(more && last
        ? {
            nextCursor: encodeCursor({
              at: last.lastActivityAt.getTime(),
              id: String(last._id),
            }),
          }
        : {}),
    }
  }

  /** One of the actor's conversations. @throws NotFoundError for anyone else's */
  async get(ctx: Ctx, conversationId: string): Promise<ConversationDTO> {
    const { conversation, party } = await this.asParty(ctx, conversationId)
    return this.toDTO(conversation, party.role)
  }

  /**
   * Messages newest first, a page at a time (`cursor`); with `since`, only those after that
   * sequence (what a client missed). Blocked attempts are never listed.
   */
  async messages(
    ctx: Ctx,
    conversationId: string,
    query: ListMessagesQuery,
  ): Promise<Page<ChatMessageDTO>> {
    await this.asParty(ctx, conversationId)
    return this.messagePage(conversationId, query, toMessageDTO)
  }

  // ---- sending -----------------------------------------------------------------------------

  /**
   * Sends a message. A retried send with the same `clientMessageId` returns the stored message
   * (`replayed`) and is not counted again. Contact details are redacted before the buyer has a
   * paid order with the store; payment diversion is refused (422 `message_blocked`), kept for
   * administrators and flagged (`chat.message_flagged`).
   * @throws TooLargeError `message_too_long`, ValidationError `empty_message`, RateLimitedError,
   *   ForbiddenError `conversation_blocked`, UnprocessableError `message_blocked`
   */
  async send(ctx: Ctx, conversationId: string, input: SendMessageBody): Promise<SendMessageResult> {
    const { conversation, party } = await this.asParty(ctx, conversationId)
    const clientMessageId = input.clientMessageId ?? newId()
    const key = { conversationId, senderId: party.userId, clientMessageId }
    const previous = await this.deps.messages.findOne(key).lean()
    if (previous?.state === 'sent') return replay(previous)
    if (previous?.state === 'blocked') throw blockedError(previous.moderation?.reasons ?? [])
    // A pending one is another request's send in flight; one left by a crash is finished here.
    if (
      previous &&
      this.deps.clock.now().getTime() - previous.createdAt.getTime() < STALE_PENDING_MS
    )
      throw inProgress()

    const body = input.body.trim()
    if (body.length > MAX_MESSAGE_CHARS)
      throw new TooLargeError(
        `A message is at most ${MAX_MESSAGE_CHARS} characters`,
        'message_too_long',
        { maxChars: MAX_MESSAGE_CHARS, chars: body.length },
      )
    if (!body && !input.attachmentIds?.length)
      throw new ValidationError(
        'A message needs text or an image',
        { body: 'empty' },
        'empty_message',
      )
    if (conversation.blockedBy)
      throw new ForbiddenError('This conversation is blocked', 'conversation_blocked')
    if (!previous)
      await this.deps.limiter.consume(
        `chat:send:${party.userId}`,
        this.deps.limits.messagesPerMinute,
        60,
      )

    const contactAllowed = await this.deps.orders.hasPaidOrderWith(
      conversation.buyerId,
      conversation.storeId,
    )
    const verdict = moderateMessage(body, { contactAllowed })
    if (verdict.action === 'block') {
      await this.recordBlocked(conversation, party, key, body, verdict.reasons)
      throw blockedError(verdict.reasons)
    }
    const context = await this.contextForMessage(ctx, conversation, party, input)
    const attachments = await this.claimAttachments(conversationId, party, clientMessageId, input)

    let pending = previous
    if (!pending) {
      try {
        pending = (
          await this.deps.messages.create({
            ...key,
            state: 'pending',
            senderRole: party.role,
            body: verdict.text,
            ...(verdict.action === 'redact'
              ? { original: body, moderation: { action: 'redact', reasons: verdict.reasons } }
              : {}),
            ...(context ? { context } : {}),
            attachments,
            createdAt: this.deps.clock.now(),
            outbox: [],
          })
        ).toObject()
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        // The same send is in flight: answer with what it stored once it has its sequence.
        const raced = await this.deps.messages.findOne(key).lean()
        if (raced?.state === 'sent') return replay(raced)
        throw inProgress()
      }
    }
    const sent = await this.allocate(conversation, pending)
    return {
      message: toMessageDTO(sent),
      replayed: false,
      moderation: {
        action: verdict.action,
        reasons: verdict.reasons,
        notices: verdict.notices,
      },
    }
  }

  /**
   * Gives a pending message the conversation's next sequence (one atomic `$inc`: concurrent
   * sends get distinct, consecutive numbers), marks it sent with its event in its outbox, and
   * moves the sender's read position to it.
   */
  private async allocate(conversation: ConversationDoc, pending: MessageDoc): Promise<MessageDoc> {
    const now = this.deps.clock.now()
    const counted = await this.deps.conversations
      .findOneAndUpdate(
        { _id: conversation._id },
        {
          $inc: { lastSeq: 1 },
          $set: {
            lastMessage: {
              messageId: String(pending._id),
              senderRole: pending.senderRole,
              preview: previewOf(pending),
              at: now,
            },
            lastActivityAt: now,
          },
        },
        { returnDocument: 'after' },
      )
      .lean()
    if (!counted) throw notFound()
    const seq = counted.lastSeq
    const dto = toMessageDTO({ ...pending, seq, state: 'sent' })
    const entry = this.deps.events.outboxEntry('chat.message_sent', {
      conversationId: dto.conversationId,
      storeId: conversation.storeId,
      buyerId: conversation.buyerId,
      senderId: pending.senderId,
      senderRole: pending.senderRole,
      message: dto,
    })
    await this.deps.messages.updateOne(
      { _id: pending._id, state: 'pending' },
      { $set: { seq, state: 'sent', ...OUTBOX_PENDING }, $push: { outbox: entry } },
    )
    await this.deps.events.publishOutbox(this.outbox, pending._id, [entry])
    await this.advanceRead(conversation, pending.senderRole, seq)
    return { ...pending, seq, state: 'sent' }
  }

  /** Keeps a blocked attempt for administrators, opens a review and raises the flag. */
  private async recordBlocked(
    conversation: ConversationDoc,
    party: Party,
    key: { conversationId: string; senderId: string; clientMessageId: string },
    body: string,
    reasons: string[],
  ): Promise<void> {
    const now = this.deps.clock.now()
    let messageId: string | undefined
    try {
      const blocked = await this.deps.messages.create({
        ...key,
        state: 'blocked',
        senderRole: party.role,
        body: '',
        original: body,
        moderation: { action: 'block', reasons },
        attachments: [],
        createdAt: now,
        outbox: [],
      })
      messageId = String(blocked._id)
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
    await this.deps.conversations.updateOne(
      { _id: conversation._id },
      {
        $set: { 'review.state': 'open', 'review.flaggedAt': now },
        $inc: { 'review.flagCount': 1 },
      },
    )
    await this.deps.events.emit('chat.message_flagged', {
      conversationId: String(conversation._id),
      ...(messageId ? { messageId } : {}),
      storeId: conversation.storeId,
      buyerId: conversation.buyerId,
      senderId: party.userId,
      reasons,
    })
  }

  // ---- read state, block, report -----------------------------------------------------------

  /**
   * Marks the conversation read up to `seq` (at most its last message). The read position only
   * moves forward: an older `seq` changes nothing. Announces `chat.read` (read receipts).
   */
  async markRead(ctx: Ctx, conversationId: string, input: MarkReadBody): Promise<ConversationDTO> {
    const { conversation, party } = await this.asParty(ctx, conversationId)
    const seq = Math.min(input.seq, conversation.lastSeq)
    if (await this.advanceRead(conversation, party.role, seq))
      await this.deps.events.emit('chat.read', {
        conversationId,
        storeId: conversation.storeId,
        buyerId: conversation.buyerId,
        readerRole: party.role,
        seq,
      })
    return this.get(ctx, conversationId)
  }

  /** The guarded forward-only move of a party's read position; true when it moved. */
  private async advanceRead(conversation: ConversationDoc, role: ChatRole, seq: number) {
    const field = role === 'buyer' ? 'buyerReadSeq' : 'sellerReadSeq'
    const result = await this.deps.conversations.updateOne(
      { _id: conversation._id, [field]: op({ $lt: seq }) },
      { $set: { [field]: seq } },
    )
    return result.modifiedCount > 0
  }

  /** Blocks the other party: neither side can send until the one who blocked unblocks. */
  async block(ctx: Ctx, conversationId: string): Promise<ConversationDTO> {
    const { conversation, party } = await this.asParty(ctx, conversationId)
    if (conversation.blockedBy && conversation.blockedBy !== party.role)
      throw new InvalidStateError(
        'The other party already blocked this conversation',
        'already_blocked',
      )
    const changed = await this.deps.conversations.updateOne(
      { _id: conversation._id, blockedBy: null },
      { $set: { blockedBy: party.role, blockedAt: this.deps.clock.now() } },
    )
    if (changed.modifiedCount > 0) await this.announceBlock(conversation, party.role, true)
    return this.get(ctx, conversationId)
  }

  /** Lifts the actor's own block. @throws InvalidStateError when the other party blocked. */
  async unblock(ctx: Ctx, conversationId: string): Promise<ConversationDTO> {
    const { conversation, party } = await this.asParty(ctx, conversationId)
    if (conversation.blockedBy && conversation.blockedBy !== party.role)
      throw new ForbiddenError('Only the party who blocked can unblock', 'not_your_block')
    const changed = await this.deps.conversations.updateOne(
      { _id: conversation._id, blockedBy: party.role },
      { $unset: { blockedBy: 1, blockedAt: 1 } },
    )
    if (changed.modifiedCount > 0) await this.announceBlock(conversation, party.role, false)
    return this.get(ctx, conversationId)
  }

  private async announceBlock(conversation: ConversationDoc, by: ChatRole, blocked: boolean) {
    await this.deps.events.emit('chat.blocked', {
      conversationId: String(conversation._id),
      storeId: conversation.storeId,
      buyerId: conversation.buyerId,
      by,
      blocked,
    })
  }

  /**
   * Reports the conversation to trust and safety: it opens (or reopens) for review, and
   * administrators may then read it. Each report is kept with its reason.
   */
  async report(
    ctx: Ctx,
    conversationId: string,
    input: ReportConversationBody,
  ): Promise<{ reported: true }> {
    const { conversation, party } = await this.asParty(ctx, conversationId)
    const now = this.deps.clock.now()
    await this.deps.conversations.updateOne(
      { _id: conversation._id },
      {
        $set: { 'review.state': 'open', 'review.reportedAt': now },
        $push: {
          'review.reports': { by: party.userId, role: party.role, reason: input.reason, at: now },
        },
      },
    )
    await this.deps.events.emit('chat.conversation_reported', {
      conversationId,
      storeId: conversation.storeId,
      buyerId: conversation.buyerId,
      reporterId: party.userId,
    })
    return { reported: true }
  }

  // ---- images ------------------------------------------------------------------------------

  /**
   * Uploads an image to send in a message of this conversation: checked by its bytes, size and
   * pixels, and re-encoded by the image pipeline. Send it with `attachmentIds`.
   * @throws TooLargeError, UnsupportedMediaError, ValidationError `invalid_image`
   */
  async upload(ctx: Ctx, conversationId: string, file: UploadedFile): Promise<ChatAttachmentDTO> {
    const { conversation, party } = await this.asParty(ctx, conversationId)
    if (conversation.blockedBy)
      throw new ForbiddenError('This conversation is blocked', 'conversation_blocked')
    await this.deps.limiter.consume(
      `chat:send:${party.userId}`,
      this.deps.limits.messagesPerMinute,
      60,
    )
    const image = await sanitizeImage(file.bytes)
    const stored = await this.deps.images.put(image)
    const attachment: ChatAttachment = {
      id: newId(),
      url: stored.url,
      storageKey: stored.storageKey,
      store: this.deps.images.kind,
      width: image.width,
      height: image.height,
      format: image.format,
      bytes: image.bytes.length,
    }
    await this.deps.uploads.create({
      _id: attachment.id,
      conversationId,
      uploaderId: party.userId,
      attachment,
      createdAt: this.deps.clock.now(),
    })
    return toAttachmentDTO(attachment)
  }

  /** The sender's uploads named in the message, marked used by it (each goes in one message). */
  private async claimAttachments(
    conversationId: string,
    party: Party,
    clientMessageId: string,
    input: SendMessageBody,
  ): Promise<ChatAttachment[]> {
    const ids = [...new Set(input.attachmentIds ?? [])]
    const claimed: ChatAttachment[] = []
    for (const id of ids) {
      const upload = await this.deps.uploads
        .findOneAndUpdate(
          {
            _id: id,
            conversationId,
            uploaderId: party.userId,
            usedBy: op({ $in: [null, clientMessageId] }),
          },
          { $set: { usedBy: clientMessageId } },
          { returnDocument: 'after' },
        )
        .lean()
      if (!upload)
        throw new ValidationError(
          'Unknown or already used image',
          { attachmentIds: id },
          'unknown_attachment',
        )
      claimed.push(upload.attachment)
    }
    return claimed
  }

  // ---- who may see what --------------------------------------------------------------------

  /**
   * May the actor watch `conversation:<id>` on the WebSocket? Its parties may; administrators
   * only while it is reported or flagged (and the watch is audit-logged).
   * @throws NotFoundError, ForbiddenError
   */
  async authorizeChannel(ctx: Ctx, conversationId: string): Promise<void> {
    if (isAdmin(ctx)) {
      const conversation = await this.reviewable(conversationId)
      await this.deps.audit.record(ctx, 'chat.watched', {
        type: 'conversation',
        id: String(conversation._id),
      })
      return
    }
    await this.asParty(ctx, conversationId).catch((error) => {
      if (error instanceof AppError && error.kind === 'not_found') throw new ForbiddenError()
      throw error
    })
  }

  /** The conversation and the actor's side of it. @throws NotFoundError unless a party */
  private async asParty(
    ctx: Ctx,
    conversationId: string,
  ): Promise<{ conversation: ConversationDoc; party: Party }> {
    const userId = requireUser(ctx)
    const conversation = isId(conversationId)
      ? await this.deps.conversations.findById(conversationId).lean()
      : null
    if (!conversation) throw notFound()
    if (conversation.buyerId === userId) return { conversation, party: { role: 'buyer', userId } }
    if (ctx.actor.kind === 'user' && ctx.actor.role === 'seller') {
      const own = await this.deps.stores.requireOwnStore(ctx).catch(() => undefined)
      if (own?.id === conversation.storeId)
        return { conversation, party: { role: 'seller', userId } }
    }
    throw notFound()
  }

  /** The filter of the actor's own conversations: as buyer, or as their store's seller. */
  private async ownFilter(ctx: Ctx): Promise<{ role: ChatRole; filter: Record<string, unknown> }> {
    const userId = requireRole(ctx, 'buyer', 'seller')
    if (ctx.actor.kind === 'user' && ctx.actor.role === 'seller') {
      const store = await this.deps.stores.requireOwnStore(ctx)
      return { role: 'seller', filter: { storeId: store.id } }
    }
    return { role: 'buyer', filter: { buyerId: userId } }
  }

  private async contextForStart(
    ctx: Ctx,
    input: StartConversationBody,
  ): Promise<{ storeId: string; context: ChatContext }> {
    if (input.productId) {
      const product = await this.deps.products.liveProduct(ctx, input.productId)
      return {
        storeId: product.storeId,
        context: { kind: 'product', id: product.id, label: product.title },
      }
    }
    if (input.orderId) {
      const order = await this.deps.orders.getOwn(ctx, input.orderId)
      return {
        storeId: order.storeId,
        context: { kind: 'order', id: order.id, label: `Order ${order.id}` },
      }
    }
    const storeId = input.storeId as string
    const store = await this.deps.stores.getStore(storeId).catch(() => undefined)
    if (store?.status !== 'approved') throw new NotFoundError('Store')
    return { storeId, context: { kind: 'store', id: storeId, label: store.name } }
  }

  /** A message's product or order, which must belong to the conversation's store. */
  private async contextForMessage(
    ctx: Ctx,
    conversation: ConversationDoc,
    party: Party,
    input: SendMessageBody,
  ): Promise<ChatContext | undefined> {
    if (input.productId && input.orderId)
      throw new ValidationError('A message points at a product or an order, not both', {
        orderId: 'give productId or orderId',
      })
    if (input.productId) {
      const product = await this.deps.products.liveProduct(ctx, input.productId)
      if (product.storeId !== conversation.storeId)
        throw new ValidationError('That product is not from this store', {
          productId: 'not from this store',
        })
      return { kind: 'product', id: product.id, label: product.title }
    }
    if (input.orderId) {
      const view = party.role === 'buyer' ? this.deps.orders.getOwn : this.deps.orders.getForSeller
      const order = await view.call(this.deps.orders, ctx, input.orderId)
      if (order.storeId !== conversation.storeId)
        throw new ValidationError('That order is not from this store', {
          orderId: 'not from this store',
        })
      return { kind: 'order', id: order.id, label: `Order ${order.id}` }
    }
    return undefined
  }

  private async toDTO(row: ConversationDoc, as: ChatRole): Promise<ConversationDTO> {
    const store = await this.deps.stores.getStore(row.storeId).catch(() => undefined)
    const readSeq = as === 'buyer' ? row.buyerReadSeq : row.sellerReadSeq
    const otherReadSeq = as === 'buyer' ? row.sellerReadSeq : row.buyerReadSeq
    return {
      id: String(row._id),
      buyerId: row.buyerId,
      storeId: row.storeId,
      storeName: store?.name ?? '',
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

  private async messagePage<T>(
    conversationId: string,
    query: ListMessagesQuery,
    map: (row: MessageDoc) => T,
    includeBlocked = false,
  ): Promise<Page<T>> {
    const seq: Record<string, unknown> = {}
    if (query.since !== undefined) seq.$gt = query.since
    if (query.cursor) seq.$lt = decodeCursor(query.cursor, seqCursor).seq
    const filter: Record<string, unknown> = {
      conversationId,
      state: includeBlocked ? op({ $in: ['sent', 'blocked'] }) : 'sent',
    }
    if (Object.keys(seq).length > 0) filter.seq = op(seq)
    const rows = await this.deps.messages
      .find(filter)
      .sort({ seq: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, map, (row) => ({ seq: row.seq ?? 0 }))
  }

  // ---- administrators ----------------------------------------------------------------------

  /** Conversations under review (reported or flagged), newest first. No message text. */
  async adminList(ctx: Ctx, query: AdminConversationsQuery): Promise<Page<AdminConversationDTO>> {
    requireRole(ctx, 'admin')
    const q = validateInput(adminConversationsQuery, query)
    const filter: Record<string, unknown> = {
      'review.state': q.state === 'all' ? op({ $in: ['open', 'resolved'] }) : q.state,
    }
    if (q.filter === 'reported') filter['review.reportedAt'] = op({ $ne: null })
    if (q.filter === 'flagged') filter['review.flaggedAt'] = op({ $ne: null })
    if (q.cursor) filter._id = op({ $lt: decodeCursor(q.cursor, z.object({ id: z.string() })).id })
    const rows = await this.deps.conversations
      .find(filter)
      .sort({ _id: -1 })
      .limit(q.limit + 1)
      .lean()
    return toPage(rows, q.limit, toAdminConversationDTO, (row) => ({ id: String(row._id) }))
  }

  /**
   * A reported or flagged conversation with its messages (blocked attempts and original texts
   * included), newest first. Every read is written to the audit log.
   * @throws NotFoundError for a conversation nobody reported or flagged
   */
  async adminShow(
    ctx: Ctx,
    conversationId: string,
    query: ListMessagesQuery = { limit: 100 },
  ): Promise<{ conversation: AdminConversationDTO; messages: Page<AdminMessageDTO> }> {
    requireRole(ctx, 'admin')
    const conversation = await this.reviewable(conversationId)
    await this.deps.audit.record(
      ctx,
      'chat.read',
      { type: 'conversation', id: conversationId },
      {
        details: { cursor: query.cursor ?? null, since: query.since ?? null, limit: query.limit },
      },
    )
    return {
      conversation: toAdminConversationDTO(conversation),
      messages: await this.messagePage(conversationId, query, toAdminMessageDTO, true),
    }
  }

  /** Closes the review of a conversation with a resolution and a note (audit-logged). */
  async adminResolve(
    ctx: Ctx,
    conversationId: string,
    input: ResolveConversationBody,
  ): Promise<AdminConversationDTO> {
    const adminId = requireRole(ctx, 'admin')
    const conversation = await this.reviewable(conversationId)
    if (conversation.review?.state !== 'open')
      throw new InvalidStateError('This conversation is already resolved', 'already_resolved')
    const resolved = await this.deps.conversations
      .findOneAndUpdate(
        { _id: conversation._id, 'review.state': 'open' },
        {
          $set: {
            'review.state': 'resolved',
            'review.resolvedAt': ctx.now,
            'review.resolvedBy': adminId,
            'review.resolution': input.resolution,
            'review.note': input.note,
          },
        },
        { returnDocument: 'after' },
      )
      .lean()
    if (!resolved)
      throw new InvalidStateError('This conversation is already resolved', 'already_resolved')
    await this.deps.audit.record(
      ctx,
      'chat.resolved',
      { type: 'conversation', id: conversationId },
      { reason: input.note, details: { resolution: input.resolution } },
    )
    return toAdminConversationDTO(resolved)
  }

  /** A conversation administrators may read: reported or flagged. @throws NotFoundError */
  private async reviewable(conversationId: string): Promise<ConversationDoc> {
    const conversation = isId(conversationId)
      ? await this.deps.conversations.findById(conversationId).lean()
      : null
    if (!conversation?.review?.state) throw notFound()
    return conversation
  }

  // ---- for the offline notifier ------------------------------------------------------------

  /** A store's name, for notices (undefined when it is gone). */
  async storeNameOf(storeId: string): Promise<string | undefined> {
    return (await this.deps.stores.getStore(storeId).catch(() => undefined))?.name
  }

  /** The user a message is for: the buyer, or the store's owner. */
  async recipientOf(event: { storeId: string; buyerId: string; senderRole: ChatRole }) {
    if (event.senderRole === 'seller') return { userId: event.buyerId, role: 'buyer' as const }
    const store = await this.deps.stores.getStore(event.storeId)
    return { userId: store.ownerId, role: 'seller' as const }
  }
}

function previewOf(message: Pick<MessageDoc, 'body' | 'attachments'>): string {
  if (!message.body) return message.attachments.length > 0 ? '[image]' : ''
  return message.body.length > PREVIEW_CHARS
    ? `${message.body.slice(0, PREVIEW_CHARS - 1)}…`
    : message.body
}

function blockedError(reasons: string[]) {
  return new UnprocessableError(
    'This message was not sent: payments must go through KlosetStore checkout',
    'message_blocked',
    { reasons },
  )
}

function replay(row: MessageDoc): SendMessageResult {
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

const toAttachmentDTO = (a: ChatAttachment): ChatAttachmentDTO => ({
  id: a.id,
  url: a.url,
  width: a.width,
  height: a.height,
  format: a.format,
  bytes: a.bytes,
})

const contextDTO = (c: ChatContext | undefined) =>
  c?.kind ? { context: { kind: c.kind, id: c.id, label: c.label } } : {}

function toMessageDTO(row: MessageDoc): ChatMessageDTO {
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

function toAdminMessageDTO(row: MessageDoc): AdminMessageDTO {
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

function toAdminConversationDTO(row: ConversationDoc): AdminConversationDTO {
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
