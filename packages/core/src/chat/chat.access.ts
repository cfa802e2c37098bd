import { z } from 'zod'
import { op } from '../db/query.js'
import { type Ctx, requireRole, requireUser } from '../shared/ctx.js'
import { NotFoundError, ValidationError } from '../shared/errors.js'
import { isId } from '../shared/ids.js'
import { decodeCursor, type Page, toPage } from '../shared/paging.js'
import { type ChatDeps, notFound, type Party } from './chat.deps.js'
import { toConversationDTO } from './chat.dto.js'
import type { ChatContext, ChatRole, ConversationDoc, MessageDoc } from './chat.model.js'
import type { ListMessagesQuery, SendMessageBody, StartConversationBody } from './chat.schemas.js'
import type { ConversationDTO } from './chat.types.js'

const seqCursor = z.object({ seq: z.number().int().min(0) })

/**
 * Who may see what in chat: the actor's side of a conversation, their own conversations, what
 * administrators may review, the product or order a conversation or message points at, and
 * the reads every verb shares (a conversation's DTO, a page of messages).
 */
export class ChatAccess {
  constructor(private deps: ChatDeps) {}

  /** The conversation and the actor's side of it. @throws NotFoundError unless a party */
  async asParty(
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
  async ownFilter(ctx: Ctx): Promise<{ role: ChatRole; filter: Record<string, unknown> }> {
    const userId = requireRole(ctx, 'buyer', 'seller')
    if (ctx.actor.kind === 'user' && ctx.actor.role === 'seller') {
      const store = await this.deps.stores.requireOwnStore(ctx)
      return { role: 'seller', filter: { storeId: store.id } }
    }
    return { role: 'buyer', filter: { buyerId: userId } }
  }

  async contextForStart(
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
  async contextForMessage(
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

  /** A conversation as the party `as` sees it. */
  async toDTO(row: ConversationDoc, as: ChatRole): Promise<ConversationDTO> {
    const store = await this.deps.stores.getStore(row.storeId).catch(() => undefined)
    return toConversationDTO(row, as, store?.name ?? '')
  }

  /** A page of a conversation's messages, newest first (`since`, `cursor`). */
  async messagePage<T>(
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

  /** A conversation administrators may read: reported or flagged. @throws NotFoundError */
  async reviewable(conversationId: string): Promise<ConversationDoc> {
    const conversation = isId(conversationId)
      ? await this.deps.conversations.findById(conversationId).lean()
      : null
    if (!conversation?.review?.state) throw notFound()
    return conversation
  }
}
