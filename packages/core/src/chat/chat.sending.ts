import { op } from '../db/query.js'
import { OUTBOX_PENDING, outboxSourceOf } from '../events/outbox.js'
import { sanitizeImage } from '../images/image.sanitizer.js'
import type { UploadedFile } from '../images/images.service.js'
import type { Ctx } from '../shared/ctx.js'
import { ConflictError, ForbiddenError, TooLargeError, ValidationError } from '../shared/errors.js'
import type { OutboxSource } from '../shared/events.js'
import { newId } from '../shared/ids.js'
import type { ChatAccess } from './chat.access.js'
import { type ChatDeps, isDuplicateKey, notFound, type Party } from './chat.deps.js'
import { blockedError, previewOf, replay, toAttachmentDTO, toMessageDTO } from './chat.dto.js'
import type {
  ChatAttachment,
  ChatContext,
  ChatRole,
  ConversationDoc,
  MessageDoc,
} from './chat.model.js'
import { MAX_MESSAGE_CHARS, type SendMessageBody } from './chat.schemas.js'
import type { ChatAttachmentDTO, SendMessageResult } from './chat.types.js'
import { moderateMessage } from './moderation.js'

/** A pending message older than this was left by a crash, and a retry finishes it. */
const STALE_PENDING_MS = 30_000
const inProgress = () =>
  new ConflictError('This message is being sent; retry shortly', 'send_in_progress')

/**
 * Sending in chat: the checks and moderation of a message, its gapless per-conversation
 * sequence (one atomic `$inc`), its event through the message's outbox, blocked attempts kept
 * for review, the parties' read positions, and image uploads claimed by one message each.
 */
export class ChatSending {
  private outbox: OutboxSource

  constructor(
    private deps: ChatDeps,
    private access: ChatAccess,
  ) {
    this.outbox = outboxSourceOf(deps.messages)
  }

  /**
   * Sends a message. A retried send with the same `clientMessageId` returns the stored message
   * (`replayed`) and is not counted again. Contact details are redacted before the buyer has a
   * paid order with the store; payment diversion is refused (422 `message_blocked`), kept for
   * administrators and flagged (`chat.message_flagged`).
   * @throws TooLargeError `message_too_long`, ValidationError `empty_message`, RateLimitedError,
   *   ForbiddenError `conversation_blocked`, UnprocessableError `message_blocked`
   */
  async send(ctx: Ctx, conversationId: string, input: SendMessageBody): Promise<SendMessageResult> {
    const { conversation, party } = await this.access.asParty(ctx, conversationId)
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
    await this.checkSendable(conversation, party, body, input, !previous)
    const contactAllowed = await this.deps.orders.hasPaidOrderWith(
      conversation.buyerId,
      conversation.storeId,
    )
    const verdict = moderateMessage(body, { contactAllowed })
    if (verdict.action === 'block') {
      await this.recordBlocked(conversation, party, key, body, verdict.reasons)
      throw blockedError(verdict.reasons)
    }
    const context = await this.access.contextForMessage(ctx, conversation, party, input)
    const attachments = await this.claimAttachments(conversationId, party, clientMessageId, input)

    let pending: MessageDoc | null = previous
    if (!pending) {
      const draft = { ...key, senderRole: party.role, body, verdict, context, attachments }
      const stored = await this.storePending(draft)
      if (stored.replay) return stored.replay
      pending = stored.pending
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

  /** The checks before a send is moderated; only a first attempt counts against the limit. */
  private async checkSendable(
    conversation: ConversationDoc,
    party: Party,
    body: string,
    input: SendMessageBody,
    firstAttempt: boolean,
  ): Promise<void> {
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
    if (firstAttempt)
      await this.deps.limiter.consume(
        `chat:send:${party.userId}`,
        this.deps.limits.messagesPerMinute,
        60,
      )
  }

  /**
   * Stores the message as pending (no sequence yet). When the same send raced in, answers with
   * what that one stored once it has its sequence.
   */
  private async storePending(draft: {
    conversationId: string
    senderId: string
    clientMessageId: string
    senderRole: ChatRole
    body: string
    verdict: ReturnType<typeof moderateMessage>
    context: ChatContext | undefined
    attachments: ChatAttachment[]
  }): Promise<{ pending: MessageDoc; replay?: undefined } | { replay: SendMessageResult }> {
    const { verdict, body, context, attachments, ...key } = draft
    try {
      const created = await this.deps.messages.create({
        ...key,
        state: 'pending',
        body: verdict.text,
        ...(verdict.action === 'redact'
          ? { original: body, moderation: { action: 'redact', reasons: verdict.reasons } }
          : {}),
        ...(context ? { context } : {}),
        attachments,
        createdAt: this.deps.clock.now(),
        outbox: [],
      })
      return { pending: created.toObject() }
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      const { senderRole: _role, ...messageKey } = key
      const raced = await this.deps.messages.findOne(messageKey).lean()
      if (raced?.state === 'sent') return { replay: replay(raced) }
      throw inProgress()
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

  /** The guarded forward-only move of a party's read position; true when it moved. */
  async advanceRead(conversation: ConversationDoc, role: ChatRole, seq: number) {
    const field = role === 'buyer' ? 'buyerReadSeq' : 'sellerReadSeq'
    const result = await this.deps.conversations.updateOne(
      { _id: conversation._id, [field]: op({ $lt: seq }) },
      { $set: { [field]: seq } },
    )
    return result.modifiedCount > 0
  }

  // ---- images ------------------------------------------------------------------------------

  /**
   * Uploads an image to send in a message of this conversation: checked by its bytes, size and
   * pixels, and re-encoded by the image pipeline. Send it with `attachmentIds`.
   * @throws TooLargeError, UnsupportedMediaError, ValidationError `invalid_image`
   */
  async upload(ctx: Ctx, conversationId: string, file: UploadedFile): Promise<ChatAttachmentDTO> {
    const { conversation, party } = await this.access.asParty(ctx, conversationId)
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
}
