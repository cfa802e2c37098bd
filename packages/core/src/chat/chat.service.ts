import { z } from 'zod'
import { op } from '../db/query.js'
import type { UploadedFile } from '../images/images.service.js'
import { type Ctx, isAdmin, requireRole } from '../shared/ctx.js'
import { AppError, ForbiddenError, InvalidStateError } from '../shared/errors.js'
import { decodeCursor, encodeCursor, type Page } from '../shared/paging.js'
import { ChatAccess } from './chat.access.js'
import { type ChatDeps, isDuplicateKey } from './chat.deps.js'
import { toMessageDTO } from './chat.dto.js'
import type { ChatRole, ConversationDoc } from './chat.model.js'
import { ChatReview } from './chat.review.js'
import type {
  AdminConversationsQuery,
  ListConversationsQuery,
  ListMessagesQuery,
  MarkReadBody,
  ReportConversationBody,
  ResolveConversationBody,
  SendMessageBody,
  StartConversationBody,
} from './chat.schemas.js'
import { ChatSending } from './chat.sending.js'
import type {
  AdminConversationDTO,
  AdminMessageDTO,
  ChatAttachmentDTO,
  ChatMessageDTO,
  ConversationDTO,
  SendMessageResult,
} from './chat.types.js'

export {
  type ChatDeps,
  type ChatLimits,
  type ChatOrders,
  type ChatProducts,
  DEFAULT_CHAT_LIMITS,
} from './chat.deps.js'

const activityCursor = z.object({ at: z.number().int(), id: z.string().regex(/^[0-9a-f]{24}$/) })

/**
 * Buyer-seller chat: one conversation per (buyer, store), messages with a gapless
 * per-conversation sequence, read state, limits, moderation, block and report, and the
 * administrators' review of reported or flagged conversations (every read audit-logged).
 *
 * The facade of the chat folder: it keeps conversations, read state, block and report, and
 * hands sending and uploads to `ChatSending` (`chat.sending.ts`), the administrators' review to
 * `ChatReview` (`chat.review.ts`) and who may see what to `ChatAccess` (`chat.access.ts`).
 */
export class ChatService {
  private access: ChatAccess
  private sending: ChatSending
  private review: ChatReview

  constructor(private deps: ChatDeps) {
    this.access = new ChatAccess(deps)
    this.sending = new ChatSending(deps, this.access)
    this.review = new ChatReview(deps, this.access)
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
    const context = await this.access.contextForStart(ctx, input)
    const existing = await this.deps.conversations
      .findOne({ buyerId, storeId: context.storeId })
      .lean()
    if (existing)
      return { conversation: await this.access.toDTO(existing, 'buyer'), created: false }
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
      return { conversation: await this.access.toDTO(created.toObject(), 'buyer'), created: true }
    } catch (error) {
      // Two starts raced: the unique (buyer, store) index kept one.
      if (!isDuplicateKey(error)) throw error
      const raced = await this.deps.conversations
        .findOne({ buyerId, storeId: context.storeId })
        .lean()
      if (!raced) throw error
      return { conversation: await this.access.toDTO(raced, 'buyer'), created: false }
    }
  }

  /** The actor's conversations (a buyer's own, a seller's store's), most recent activity first. */
  async list(ctx: Ctx, query: ListConversationsQuery): Promise<Page<ConversationDTO>> {
    const { role, filter } = await this.access.ownFilter(ctx)
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
      items: await Promise.all(items.map((row) => this.access.toDTO(row, role))),
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
    const { conversation, party } = await this.access.asParty(ctx, conversationId)
    return this.access.toDTO(conversation, party.role)
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
    await this.access.asParty(ctx, conversationId)
    return this.access.messagePage(conversationId, query, toMessageDTO)
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
  send(ctx: Ctx, conversationId: string, input: SendMessageBody): Promise<SendMessageResult> {
    return this.sending.send(ctx, conversationId, input)
  }

  // ---- read state, block, report -----------------------------------------------------------

  /**
   * Marks the conversation read up to `seq` (at most its last message). The read position only
   * moves forward: an older `seq` changes nothing. Announces `chat.read` (read receipts).
   */
  async markRead(ctx: Ctx, conversationId: string, input: MarkReadBody): Promise<ConversationDTO> {
    const { conversation, party } = await this.access.asParty(ctx, conversationId)
    const seq = Math.min(input.seq, conversation.lastSeq)
    if (await this.sending.advanceRead(conversation, party.role, seq))
      await this.deps.events.emit('chat.read', {
        conversationId,
        storeId: conversation.storeId,
        buyerId: conversation.buyerId,
        readerRole: party.role,
        seq,
      })
    return this.get(ctx, conversationId)
  }

  /** Blocks the other party: neither side can send until the one who blocked unblocks. */
  async block(ctx: Ctx, conversationId: string): Promise<ConversationDTO> {
    const { conversation, party } = await this.access.asParty(ctx, conversationId)
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
    const { conversation, party } = await this.access.asParty(ctx, conversationId)
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
    const { conversation, party } = await this.access.asParty(ctx, conversationId)
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
  upload(ctx: Ctx, conversationId: string, file: UploadedFile): Promise<ChatAttachmentDTO> {
    return this.sending.upload(ctx, conversationId, file)
  }

  // ---- who may see what --------------------------------------------------------------------

  /**
   * May the actor watch `conversation:<id>` on the WebSocket? Its parties may; administrators
   * only while it is reported or flagged (and the watch is audit-logged).
   * @throws NotFoundError, ForbiddenError
   */
  async authorizeChannel(ctx: Ctx, conversationId: string): Promise<void> {
    if (isAdmin(ctx)) {
      const conversation = await this.access.reviewable(conversationId)
      await this.deps.audit.record(ctx, 'chat.watched', {
        type: 'conversation',
        id: String(conversation._id),
      })
      return
    }
    await this.access.asParty(ctx, conversationId).catch((error) => {
      if (error instanceof AppError && error.kind === 'not_found') throw new ForbiddenError()
      throw error
    })
  }

  // ---- administrators ----------------------------------------------------------------------

  /** Conversations under review (reported or flagged), newest first. No message text. */
  adminList(ctx: Ctx, query: AdminConversationsQuery): Promise<Page<AdminConversationDTO>> {
    return this.review.adminList(ctx, query)
  }

  /**
   * A reported or flagged conversation with its messages (blocked attempts and original texts
   * included), newest first. Every read is written to the audit log.
   * @throws NotFoundError for a conversation nobody reported or flagged
   */
  adminShow(
    ctx: Ctx,
    conversationId: string,
    query?: ListMessagesQuery,
  ): Promise<{ conversation: AdminConversationDTO; messages: Page<AdminMessageDTO> }> {
    return this.review.adminShow(ctx, conversationId, query)
  }

  /** Closes the review of a conversation with a resolution and a note (audit-logged). */
  adminResolve(
    ctx: Ctx,
    conversationId: string,
    input: ResolveConversationBody,
  ): Promise<AdminConversationDTO> {
    return this.review.adminResolve(ctx, conversationId, input)
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
