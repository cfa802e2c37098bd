import { describe, expect, it } from '@jest/globals'
import { aJpeg, aSignedUpSeller, aVerifiedUser } from '@kloset/core/testing'
import { serverForSuite, testApiForSuite } from '../test-support/suite.js'
import { type Client, connect, type Frame } from '../test-support/ws-client.js'

const { world, http: api } = testApiForSuite()
const server = serverForSuite(world)

/** A signed-in buyer, a signed-in seller, and the buyer's conversation with the store. */
async function aConversation() {
  const seller = await aSignedUpSeller(world)
  const buyer = await aVerifiedUser(world, 'buyer')
  const token = buyer.session.accessToken
  const started = await api.call<{ conversation: { id: string } }>(
    'POST',
    '/api/v1/conversations',
    {
      token,
      body: { storeId: seller.store.id },
    },
  )
  expect(started.status).toBe(201)
  return { seller, buyer, token, sellerToken: seller.token, id: started.body.conversation.id }
}

/** A socket signed in as the token's user, past its welcome, subscribed to the conversation. */
async function watching(token: string, conversationId: string): Promise<Client> {
  await world.core.events.drain()
  const client = connect(`${server.url.replace(/^http/, 'ws')}/ws`, ['bearer', token])
  await client.opened
  expect(await client.next()).toMatchObject({ type: 'welcome' })
  client.send({ type: 'subscribe', id: 1, channel: `conversation:${conversationId}` })
  expect(await nextOf(client, 'subscribed')).toMatchObject({
    channel: `conversation:${conversationId}`,
  })
  return client
}

/** The next frame of a type, skipping others (inbox items on the user's channel). */
async function nextOf(client: Client, type: string, event?: string): Promise<Frame> {
  for (;;) {
    const frame = await client.next()
    if (frame.type === type && (!event || frame.event === event)) return frame
  }
}

describe('chat over REST', () => {
  it('answers 200 with the existing conversation when the buyer starts it again', async () => {
    const { token, seller, id } = await aConversation()
    const again = await api.call('POST', '/api/v1/conversations', {
      token,
      body: { storeId: seller.store.id },
    })
    expect(again).toMatchObject({ status: 200, body: { conversation: { id } } })
  })

  it('sends, lists with the unread count, and marks read for the seller', async () => {
    const { token, sellerToken, id } = await aConversation()
    const sent = await api.call('POST', `/api/v1/conversations/${id}/messages`, {
      token,
      body: { body: 'Do you have it in size 12?', clientMessageId: 'abc-1' },
    })
    expect(sent).toMatchObject({ status: 201, body: { message: { seq: 1 }, replayed: false } })
    const retried = await api.call('POST', `/api/v1/conversations/${id}/messages`, {
      token,
      body: { body: 'Do you have it in size 12?', clientMessageId: 'abc-1' },
    })
    expect(retried).toMatchObject({ status: 200, body: { replayed: true, message: { seq: 1 } } })
    const list = await api.call<{ items: unknown[] }>('GET', '/api/v1/conversations', {
      token: sellerToken,
    })
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id,
        as: 'seller',
        unreadCount: 1,
        lastMessage: expect.objectContaining({ preview: 'Do you have it in size 12?' }),
      }),
    ])
    const read = await api.call('POST', `/api/v1/conversations/${id}/read`, {
      token: sellerToken,
      body: { seq: 1 },
    })
    expect(read).toMatchObject({ status: 200, body: { conversation: { unreadCount: 0 } } })
  })

  it('answers 413 for a long message and 429 with Retry-After past 20 a minute', async () => {
    const { token, id } = await aConversation()
    const long = await api.call('POST', `/api/v1/conversations/${id}/messages`, {
      token,
      body: { body: 'a'.repeat(2001) },
    })
    expect(long).toMatchObject({ status: 413, body: { error: { code: 'message_too_long' } } })
    for (let i = 0; i < 20; i++)
      await api.call('POST', `/api/v1/conversations/${id}/messages`, {
        token,
        body: { body: `${i}` },
      })
    const limited = await api.call('POST', `/api/v1/conversations/${id}/messages`, {
      token,
      body: { body: 'again' },
    })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('answers 422 message_blocked for a payment diversion', async () => {
    const { sellerToken, id } = await aConversation()
    const blocked = await api.call('POST', `/api/v1/conversations/${id}/messages`, {
      token: sellerToken,
      body: { body: 'transfer to my account, opay 8031234567' },
    })
    expect(blocked).toMatchObject({
      status: 422,
      body: { error: { code: 'message_blocked', details: { reasons: expect.any(Array) } } },
    })
  })

  it('sends an image through the image pipeline and refuses a non-image', async () => {
    const { token, id } = await aConversation()
    const form = new FormData()
    form.append('image', new Blob([new Uint8Array(await aJpeg())], { type: 'image/jpeg' }), 'a.jpg')
    const request = new Request(`http://localhost:8080/api/v1/conversations/${id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    })
    const uploaded = await api.send(request)
    expect(uploaded.status).toBe(201)
    const { attachment } = (await uploaded.json()) as { attachment: { id: string; url: string } }
    const sent = await api.call('POST', `/api/v1/conversations/${id}/messages`, {
      token,
      body: { attachmentIds: [attachment.id] },
    })
    expect(sent).toMatchObject({
      status: 201,
      body: { message: { attachments: [{ id: attachment.id, format: 'jpeg' }] } },
    })
    const bad = new FormData()
    bad.append('image', new Blob(['<html></html>'], { type: 'image/jpeg' }), 'x.jpg')
    const refused = await api.send(
      new Request(`http://localhost:8080/api/v1/conversations/${id}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: bad,
      }),
    )
    expect(refused.status).toBe(415)
  })

  it('shows administrators reported conversations only', async () => {
    const admin = await aVerifiedUser(world, 'admin')
    const adminToken = admin.session.accessToken
    const { token, id } = await aConversation()
    const before = await api.call('GET', `/api/v1/admin/conversations/${id}`, { token: adminToken })
    expect(before.status).toBe(404)
    await api.call('POST', `/api/v1/conversations/${id}/report`, {
      token,
      body: { reason: 'asked me to pay outside' },
    })
    const shown = await api.call('GET', `/api/v1/admin/conversations/${id}`, { token: adminToken })
    expect(shown).toMatchObject({ status: 200, body: { conversation: { id } } })
    const resolved = await api.call('POST', `/api/v1/admin/conversations/${id}/resolve`, {
      token: adminToken,
      body: { resolution: 'no_action', note: 'nothing wrong' },
    })
    expect(resolved).toMatchObject({
      status: 200,
      body: { conversation: { review: { state: 'resolved' } } },
    })
  })

  it('describes every chat route in the OpenAPI document', async () => {
    const doc = await api.call<{ paths: Record<string, unknown> }>('GET', '/api/v1/openapi.json')
    for (const path of [
      '/api/v1/conversations',
      '/api/v1/conversations/{id}/messages',
      '/api/v1/conversations/{id}/attachments',
      '/api/v1/admin/conversations/{id}/resolve',
    ])
      expect(doc.body.paths[path]).toBeDefined()
  })

  it('answers one conversation, block, unblock, an upload and the review list as documented', async () => {
    const admin = await aVerifiedUser(world, 'admin')
    const { token, sellerToken, id } = await aConversation()
    const one = await api.call('GET', `/api/v1/conversations/${id}`, { token })
    expect(one).toMatchObject({
      status: 200,
      body: { conversation: { id, as: 'buyer', lastMessage: null, blocked: false } },
    })
    const blocked = await api.call('POST', `/api/v1/conversations/${id}/block`, { token })
    expect(blocked).toMatchObject({ body: { conversation: { blocked: true, blockedByYou: true } } })
    const notYours = await api.call('POST', `/api/v1/conversations/${id}/unblock`, {
      token: sellerToken,
    })
    expect(notYours.status).toBe(403)
    const unblocked = await api.call('POST', `/api/v1/conversations/${id}/unblock`, { token })
    expect(unblocked).toMatchObject({ status: 200, body: { conversation: { blocked: false } } })
    const form = new FormData()
    form.append('image', new Blob([new Uint8Array(await aJpeg())], { type: 'image/jpeg' }), 'a.jpg')
    const path = `/api/v1/conversations/${id}/attachments`
    const uploaded = await api.send(
      new Request(`http://localhost:8080${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      }),
    )
    expect(uploaded.status).toBe(201)
    await api.call('POST', `/api/v1/conversations/${id}/report`, {
      token: sellerToken,
      body: { reason: 'keeps asking for my number' },
    })
    const review = await api.call<{ items: { id: string }[] }>(
      'GET',
      '/api/v1/admin/conversations?filter=reported',
      { token: admin.session.accessToken },
    )
    expect(review.status).toBe(200)
    expect(review.body.items).toContainEqual(
      expect.objectContaining({ id, review: expect.objectContaining({ state: 'open' }) }),
    )
  })
})

describe('chat over the WebSocket', () => {
  it('pushes a message to the other party and acknowledges a send over the socket', async () => {
    const { token, sellerToken, id } = await aConversation()
    const seller = await watching(sellerToken, id)
    const buyer = await watching(token, id)
    buyer.send({
      type: 'chat.send',
      id: 'c1',
      conversationId: id,
      body: 'hello over the socket',
      clientMessageId: 'ws-1',
    })
    expect(await nextOf(buyer, 'chat.ack')).toMatchObject({
      id: 'c1',
      message: { seq: 1, body: 'hello over the socket' },
      replayed: false,
    })
    expect(await nextOf(seller, 'event', 'chat.message_sent')).toMatchObject({
      channel: `conversation:${id}`,
      data: { message: { seq: 1, body: 'hello over the socket', senderRole: 'buyer' } },
    })
    seller.send({ type: 'chat.read', id: 'r1', conversationId: id, seq: 1 })
    expect(await nextOf(seller, 'chat.ack')).toMatchObject({ conversation: { unreadCount: 0 } })
    expect(await nextOf(buyer, 'event', 'chat.read')).toMatchObject({
      data: { readerRole: 'seller', seq: 1 },
    })
    buyer.socket.close()
    seller.socket.close()
  })

  it('answers an error reply with details over the socket, and forbids strangers and admins of unreported chats', async () => {
    const { token, id } = await aConversation()
    const buyer = await watching(token, id)
    buyer.send({ type: 'chat.send', id: 'x', conversationId: id, body: 'a'.repeat(2001) })
    expect(await nextOf(buyer, 'error')).toMatchObject({ id: 'x', code: 'message_too_long' })
    buyer.socket.close()
    const stranger = await aVerifiedUser(world, 'buyer')
    const admin = await aVerifiedUser(world, 'admin')
    for (const who of [stranger, admin]) {
      const client = connect(`${server.url.replace(/^http/, 'ws')}/ws`, [
        'bearer',
        who.session.accessToken,
      ])
      await client.opened
      await nextOf(client, 'welcome')
      client.send({ type: 'subscribe', id: 2, channel: `conversation:${id}` })
      const refused = await nextOf(client, 'error')
      expect(['forbidden', 'not_found']).toContain(refused.code)
      client.socket.close()
    }
  })

  it('lets an administrator watch a reported conversation, and audit-logs the watch', async () => {
    const { token, id } = await aConversation()
    await api.call('POST', `/api/v1/conversations/${id}/report`, {
      token,
      body: { reason: 'threatening messages' },
    })
    const admin = await aVerifiedUser(world, 'admin')
    const watcher = await watching(admin.session.accessToken, id)
    const buyer = await watching(token, id)
    buyer.send({ type: 'chat.send', id: 's', conversationId: id, body: 'still there?' })
    expect(await nextOf(watcher, 'event', 'chat.message_sent')).toMatchObject({
      data: { message: { body: 'still there?' } },
    })
    const audit = await api.call<{ items: { action: string }[] }>(
      'GET',
      `/api/v1/admin/audit?targetType=conversation&targetId=${id}`,
      { token: admin.session.accessToken },
    )
    expect(audit.body.items.map((e) => e.action)).toContain('chat.watched')
    watcher.socket.close()
    buyer.socket.close()
  })
})
