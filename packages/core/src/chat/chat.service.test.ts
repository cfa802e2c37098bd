import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Ctx } from '../shared/ctx.js'
import type { Delivered } from '../shared/events.js'
import { aSignedUpSeller } from '../test-support/catalog-builders.js'
import {
  adminCliCtx,
  createTestWorld,
  eventually,
  type TestWorld,
  userCtx,
} from '../test-support/harness.js'
import { aBuyer, aPaidOrder } from '../test-support/order-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'

const flagged: Delivered<'chat.message_flagged'>[] = []
const { pw, world } = paystackWorldForSuite()
beforeAll(async () => {
  world.core.events.on('chat.message_flagged', (event) => {
    flagged.push(event)
  })
})

/** A buyer, a seller with a store, and the buyer's conversation with the store. */
async function aConversation(w: TestWorld = world) {
  const seller = await aSignedUpSeller(w)
  const buyer = await aBuyer(w)
  const { conversation } = await w.core.chat.start(buyer.ctx, { storeId: seller.store.id })
  return { seller, buyer, conversation, id: conversation.id }
}
const now = () => world.clock.now()

describe('conversations', () => {
  it('reopens the same conversation for the same buyer and store', async () => {
    const { buyer, seller, id } = await aConversation()
    const again = await world.core.chat.start(buyer.ctx, { storeId: seller.store.id })
    expect(again).toMatchObject({ created: false, conversation: { id } })
  })

  it("lets the store's seller see the conversation, and hides it from other users", async () => {
    const { seller, id } = await aConversation()
    const theirs = await world.core.chat.get(seller.seller, id)
    expect(theirs).toMatchObject({ id, as: 'seller', storeId: seller.store.id })
    const stranger = await aBuyer(world)
    await expect(world.core.chat.get(stranger.ctx, id)).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('refuses a sixth new conversation in an hour with a retry time, and creates nothing', async () => {
    const buyer = await aBuyer(world)
    for (let i = 0; i < 5; i++) {
      const { store } = await aSignedUpSeller(world)
      await world.core.chat.start(buyer.ctx, { storeId: store.id })
    }
    const { store } = await aSignedUpSeller(world)
    await expect(world.core.chat.start(buyer.ctx, { storeId: store.id })).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: expect.any(Number),
    })
    const mine = await world.core.chat.list(buyer.ctx, { limit: 100 })
    expect(mine.items).toHaveLength(5)
  })
})

describe('messages', () => {
  it('stores a retried send with the same clientMessageId once', async () => {
    const { buyer, id } = await aConversation()
    const input = { body: 'Is the wrap dress available in M?', clientMessageId: 'c-1' }
    const first = await world.core.chat.send(buyer.ctx, id, input)
    const retry = await world.core.chat.send(buyer.ctx, id, input)
    expect(retry).toMatchObject({ replayed: true, message: { id: first.message.id, seq: 1 } })
    const page = await world.core.chat.messages(buyer.ctx, id, { limit: 10 })
    expect(page.items).toHaveLength(1)
  })

  it('counts unread messages as the last sequence minus the read one, never backwards', async () => {
    const { buyer, seller, id } = await aConversation()
    for (const body of ['one', 'two', 'three']) await world.core.chat.send(buyer.ctx, id, { body })
    expect(await world.core.chat.get(seller.seller, id)).toMatchObject({ unreadCount: 3 })
    expect(await world.core.chat.get(buyer.ctx, id)).toMatchObject({ unreadCount: 0 })
    await world.core.chat.markRead(seller.seller, id, { seq: 2 })
    const older = await world.core.chat.markRead(seller.seller, id, { seq: 1 })
    expect(older).toMatchObject({ readSeq: 2, unreadCount: 1 })
    const beyond = await world.core.chat.markRead(seller.seller, id, { seq: 99 })
    expect(beyond).toMatchObject({ readSeq: 3, unreadCount: 0 })
  })

  it('pages messages newest first and returns only those after `since`', async () => {
    const { buyer, id } = await aConversation()
    for (const body of ['a', 'b', 'c', 'd', 'e'])
      await world.core.chat.send(buyer.ctx, id, { body })
    const first = await world.core.chat.messages(buyer.ctx, id, { limit: 2 })
    expect(first.items.map((m) => m.seq)).toEqual([5, 4])
    const second = await world.core.chat.messages(buyer.ctx, id, {
      limit: 2,
      cursor: first.nextCursor as string,
    })
    expect(second.items.map((m) => m.seq)).toEqual([3, 2])
    const since = await world.core.chat.messages(buyer.ctx, id, { limit: 10, since: 3 })
    expect(since.items.map((m) => m.seq)).toEqual([5, 4])
  })

  it('refuses a message over 2,000 characters with 413 and stores nothing', async () => {
    const { buyer, id } = await aConversation()
    await expect(
      world.core.chat.send(buyer.ctx, id, { body: 'x'.repeat(2001) }),
    ).rejects.toMatchObject({ code: 'message_too_long', kind: 'too_large' })
    expect((await world.core.chat.get(buyer.ctx, id)).lastSeq).toBe(0)
  })

  it('refuses the 21st message in a minute from one sender and stores nothing', async () => {
    const { buyer, id } = await aConversation()
    for (let i = 0; i < 20; i++) await world.core.chat.send(buyer.ctx, id, { body: `m${i}` })
    await expect(world.core.chat.send(buyer.ctx, id, { body: 'one more' })).rejects.toMatchObject({
      code: 'rate_limited',
    })
    expect((await world.core.chat.get(buyer.ctx, id)).lastSeq).toBe(20)
  })

  it('freezes the label of a product or order a message points at', async () => {
    const { store, buyer, order } = await aPaidOrder(pw)
    const { conversation } = await world.core.chat.start(buyer.ctx, { orderId: order.id })
    expect(conversation.context).toMatchObject({ kind: 'order', id: order.id })
    const sent = await world.core.chat.send(store.seller, conversation.id, {
      body: 'Your order ships tomorrow',
      orderId: order.id,
    })
    expect(sent.message.context).toEqual({
      kind: 'order',
      id: order.id,
      label: `Order ${order.id}`,
    })
  })
})

describe('concurrent sends', () => {
  let roomy: TestWorld
  beforeAll(async () => {
    roomy = await createTestWorld({ config: { chat: { messagesPerMinute: 1000 } } })
  })
  afterAll(() => roomy.close())

  it('numbers 50 concurrent sends 1..50 with no gap or duplicate', async () => {
    const { buyer, seller, id } = await aConversation(roomy)
    const sends = Array.from({ length: 50 }, (_, i) =>
      roomy.core.chat.send(i % 2 ? seller.seller : buyer.ctx, id, {
        body: `message ${i}`,
        clientMessageId: `m-${i}`,
      }),
    )
    const results = await Promise.all(sends)
    const seqs = results.map((r) => r.message.seq).sort((a, b) => a - b)
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const stored = await roomy.core.chat.messages(buyer.ctx, id, { limit: 100 })
    expect(stored.items.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 50 - i))
    expect((await roomy.core.chat.get(buyer.ctx, id)).lastSeq).toBe(50)
  })

  it('stores one message when the same send is retried concurrently', async () => {
    const { buyer, id } = await aConversation(roomy)
    const input = { body: 'hello', clientMessageId: 'same-one' }
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => roomy.core.chat.send(buyer.ctx, id, input)),
    )
    const stored = await roomy.core.chat.messages(buyer.ctx, id, { limit: 10 })
    expect(stored.items.map((m) => m.seq)).toEqual([1])
    for (const result of results)
      if (result.status === 'rejected')
        expect(result.reason).toMatchObject({ code: 'send_in_progress' })
  })
})

describe('moderation', () => {
  it('hides a phone number from the seller before the buyer has paid, and says why', async () => {
    const { buyer, seller, id } = await aConversation()
    const sent = await world.core.chat.send(buyer.ctx, id, { body: 'call me 0803 123 4567' })
    expect(sent.moderation).toMatchObject({ action: 'redact', reasons: ['phone'] })
    expect(sent.moderation.notices[0]).toMatch(/phone numbers are hidden/)
    const seen = await world.core.chat.messages(seller.seller, id, { limit: 1 })
    expect(seen.items[0]).toMatchObject({ body: 'call me [hidden]', redacted: true })
  })

  it('lets contact details through once the buyer has a paid order with the store', async () => {
    const { store, buyer } = await aPaidOrder(pw)
    const { conversation } = await world.core.chat.start(buyer.ctx, { storeId: store.store.id })
    const sent = await world.core.chat.send(store.seller, conversation.id, {
      body: 'Our rider is on 08031234567',
    })
    expect(sent).toMatchObject({
      moderation: { action: 'allow' },
      message: { body: 'Our rider is on 08031234567' },
    })
  })

  it('blocks a payment diversion, keeps it from the buyer and raises chat.message_flagged', async () => {
    const { buyer, seller, id } = await aConversation()
    await expect(
      world.core.chat.send(seller.seller, id, { body: 'pay me directly: GTBank 0123456789' }),
    ).rejects.toMatchObject({ code: 'message_blocked', kind: 'unprocessable' })
    expect((await world.core.chat.messages(buyer.ctx, id, { limit: 10 })).items).toHaveLength(0)
    await eventually(() => flagged.some((e) => e.conversationId === id))
    const event = flagged.find((e) => e.conversationId === id)
    expect(event).toMatchObject({
      storeId: seller.store.id,
      buyerId: buyer.user.id,
      senderId: seller.userId,
      messageId: expect.any(String),
      reasons: expect.arrayContaining(['pay_direct', 'bank_account']),
    })
    // Administrators can now read it, blocked attempt included.
    const shown = await world.core.chat.adminShow(adminCliCtx(now()), id)
    expect(shown.messages.items[0]).toMatchObject({
      state: 'blocked',
      original: 'pay me directly: GTBank 0123456789',
    })
  })
})

describe('block and report', () => {
  it('stops both parties from sending once one blocks, until they unblock', async () => {
    const { buyer, seller, id } = await aConversation()
    await world.core.chat.block(buyer.ctx, id)
    for (const ctx of [buyer.ctx, seller.seller] as Ctx[])
      await expect(world.core.chat.send(ctx, id, { body: 'hi' })).rejects.toMatchObject({
        code: 'conversation_blocked',
      })
    await expect(world.core.chat.unblock(seller.seller, id)).rejects.toMatchObject({
      code: 'not_your_block',
    })
    await world.core.chat.unblock(buyer.ctx, id)
    await expect(world.core.chat.send(seller.seller, id, { body: 'hi' })).resolves.toMatchObject({
      message: { seq: 1 },
    })
  })

  it('keeps administrators out of a conversation nobody reported', async () => {
    const { id } = await aConversation()
    await expect(world.core.chat.adminShow(adminCliCtx(now()), id)).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('lists a reported conversation for administrators, audit-logs each read, and resolves it', async () => {
    const { buyer, id } = await aConversation()
    await world.core.chat.send(buyer.ctx, id, { body: 'you sent the wrong item' })
    await world.core.chat.report(buyer.ctx, id, { reason: 'seller is rude' })
    const admin = adminCliCtx(now())
    const open = await world.core.chat.adminList(admin, {
      limit: 100,
      filter: 'reported',
      state: 'open',
    })
    expect(open.items.map((c) => c.id)).toContain(id)
    await world.core.chat.adminShow(admin, id)
    await world.core.chat.adminShow(admin, id)
    const reads = await world.core.audit.listFor(admin, { type: 'conversation', id })
    expect(reads.filter((e) => e.action === 'chat.read')).toHaveLength(2)
    const resolved = await world.core.chat.adminResolve(admin, id, {
      resolution: 'warned',
      note: 'warned the seller',
    })
    expect(resolved.review).toMatchObject({ state: 'resolved', resolution: 'warned' })
    await expect(
      world.core.chat.adminResolve(admin, id, { resolution: 'warned', note: 'again' }),
    ).rejects.toMatchObject({ code: 'already_resolved' })
  })
})

describe('offline emails', () => {
  it('emails an offline seller at most once per conversation per 15 minutes, without the text', async () => {
    const { buyer, seller, id } = await aConversation()
    const mails = () => world.smtp.to(seller.email).filter((m) => /New message/.test(m.subject))
    await world.core.chat.send(buyer.ctx, id, { body: 'secret question one' })
    await world.core.events.drain()
    await eventually(() => mails().length === 1)
    expect(mails()[0]!.text).not.toContain('secret question')
    await world.core.chat.send(buyer.ctx, id, { body: 'secret question two' })
    await world.core.events.drain()
    world.clock.advance(16 * 60_000)
    await world.core.chat.send(buyer.ctx, id, { body: 'secret question three' })
    await world.core.events.drain()
    await eventually(() => mails().length === 2)
    expect(mails()).toHaveLength(2)
    const inbox = await world.core.notifications.list(userCtx(seller.userId, 'seller'), {
      limit: 10,
      type: 'chat',
    })
    expect(inbox.items).toHaveLength(2)
  })

  it('sends no email to a recipient who muted chat email, and none to one online', async () => {
    const { buyer, seller, id } = await aConversation()
    await world.core.notifications.updatePreferences(seller.seller, {
      types: { chat: { email: false } },
    })
    await world.core.presence.mark(buyer.user.id)
    await world.core.chat.send(buyer.ctx, id, { body: 'hello' })
    await world.core.chat.send(seller.seller, id, { body: 'hi there' })
    await world.core.events.drain()
    await world.core.presence.clear(buyer.user.id)
    const other = await aConversation()
    await world.core.chat.send(other.buyer.ctx, other.id, { body: 'ping' })
    await world.core.events.drain()
    await eventually(() =>
      world.smtp.to(other.seller.email).some((m) => /New message/.test(m.subject)),
    )
    expect(world.smtp.to(seller.email).filter((m) => /New message/.test(m.subject))).toHaveLength(0)
    expect(world.smtp.to(buyer.email).filter((m) => /New message/.test(m.subject))).toHaveLength(0)
  })
})
