import { z } from 'zod'
import { op } from '../db/query.js'
import { type Ctx, requireRole } from '../shared/ctx.js'
import { InvalidStateError } from '../shared/errors.js'
import { decodeCursor, type Page, toPage } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import type { ChatAccess } from './chat.access.js'
import type { ChatDeps } from './chat.deps.js'
import { toAdminConversationDTO, toAdminMessageDTO } from './chat.dto.js'
import {
  type AdminConversationsQuery,
  adminConversationsQuery,
  type ListMessagesQuery,
  type ResolveConversationBody,
} from './chat.schemas.js'
import type { AdminConversationDTO, AdminMessageDTO } from './chat.types.js'

/**
 * The administrators' review of reported or flagged conversations: the list, one conversation
 * with every message (each read audit-logged), and the resolution.
 */
export class ChatReview {
  constructor(
    private deps: ChatDeps,
    private access: ChatAccess,
  ) {}

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
    const conversation = await this.access.reviewable(conversationId)
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
      messages: await this.access.messagePage(conversationId, query, toAdminMessageDTO, true),
    }
  }

  /** Closes the review of a conversation with a resolution and a note (audit-logged). */
  async adminResolve(
    ctx: Ctx,
    conversationId: string,
    input: ResolveConversationBody,
  ): Promise<AdminConversationDTO> {
    const adminId = requireRole(ctx, 'admin')
    const conversation = await this.access.reviewable(conversationId)
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
}
