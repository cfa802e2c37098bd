import { describe, expect, it } from '@jest/globals'
import type { NotificationDTO, NotificationPreferences, Page } from '@kloset/core'
import { aSignedUpSeller, aVerifiedUser } from '@kloset/core/testing'
import { testApiForSuite } from '../test-support/suite.js'

const { world, http } = testApiForSuite()

type ErrorBody = { error: { code: string; message: string; details?: unknown } }
const settle = async () => {
  await world.core.events.drain()
  await world.core.events.drain()
}

describe('the inbox over REST', () => {
  it("lists a seller's store approval, reads and archives it, and keeps the badge in step", async () => {
    const { token, store } = await aSignedUpSeller(world)
    await settle()
    const list = await http.call<Page<NotificationDTO>>('GET', '/api/v1/notifications', { token })
    expect(list.status).toBe(200)
    expect(list.body.items).toMatchObject([
      { type: 'store_decision', link: { storeId: store.id }, readAt: null },
    ])
    const id = list.body.items[0]!.id
    const before = await http.call('GET', '/api/v1/notifications/unread-count', { token })
    expect(before.body).toEqual({ unreadCount: 1, seq: 1 })

    const read = await http.call<{ notification: NotificationDTO }>(
      'POST',
      `/api/v1/notifications/${id}/read`,
      { token },
    )
    expect(read.status).toBe(200)
    expect(read.body.notification.readAt).not.toBeNull()
    const unread = await http.call<Page<NotificationDTO>>(
      'GET',
      '/api/v1/notifications?unread=true',
      {
        token,
      },
    )
    expect(unread.body.items).toEqual([])
    expect((await http.call('GET', '/api/v1/notifications/unread-count', { token })).body).toEqual({
      unreadCount: 0,
      seq: 2,
    })

    expect((await http.call('POST', '/api/v1/notifications/seen', { token })).body).toEqual({
      updated: 1,
    })
    const archived = await http.call('POST', `/api/v1/notifications/${id}/archive`, { token })
    expect(archived.status).toBe(200)
    const inbox = await http.call<Page<NotificationDTO>>('GET', '/api/v1/notifications', { token })
    expect(inbox.body.items).toEqual([])
    const archive = await http.call<Page<NotificationDTO>>(
      'GET',
      '/api/v1/notifications?archived=true&type=store_decision',
      { token },
    )
    expect(archive.body.items.map((i) => i.id)).toEqual([id])
    expect(archive.body.items[0]!.seenAt).not.toBeNull()
  })

  it('pages newest first and marks all read', async () => {
    const { user, session } = await aVerifiedUser(world, 'buyer')
    const token = session.accessToken
    for (const n of [1, 2, 3])
      await world.core.notifications.deliver(world.clock.now(), {
        userId: user.id,
        eventId: `65f00000000000000000050${n}`,
        type: 'order_update',
        title: `Update ${n}`,
        body: 'b',
      })
    const first = await http.call<Page<NotificationDTO>>('GET', '/api/v1/notifications?limit=2', {
      token,
    })
    expect(first.body.items.map((i) => i.title)).toEqual(['Update 3', 'Update 2'])
    const second = await http.call<Page<NotificationDTO>>(
      'GET',
      `/api/v1/notifications?limit=2&cursor=${first.body.nextCursor}`,
      { token },
    )
    expect(second.body.items.map((i) => i.title)).toEqual(['Update 1'])
    expect(second.body.nextCursor).toBeUndefined()
    const all = await http.call('POST', '/api/v1/notifications/read-all', { token })
    expect(all.body).toEqual({ updated: 3, unreadCount: 0, seq: 4 })
  })

  it("answers 404 for another user's notification and for an id that is not one", async () => {
    const owner = await aVerifiedUser(world, 'buyer')
    const stranger = await aVerifiedUser(world, 'buyer')
    await world.core.notifications.deliver(world.clock.now(), {
      userId: owner.user.id,
      eventId: '65f000000000000000000601',
      type: 'order_update',
      title: 't',
      body: 'b',
    })
    const [item] = (
      await http.call<Page<NotificationDTO>>('GET', '/api/v1/notifications', {
        token: owner.session.accessToken,
      })
    ).body.items
    for (const path of [`${item!.id}/read`, `${item!.id}/archive`, 'not-an-id/read']) {
      const res = await http.call<ErrorBody>('POST', `/api/v1/notifications/${path}`, {
        token: stranger.session.accessToken,
      })
      expect(res.status).toBe(404)
    }
    const own = await http.call<Page<NotificationDTO>>('GET', '/api/v1/notifications', {
      token: owner.session.accessToken,
    })
    expect(own.body.items[0]).toMatchObject({ readAt: null, archivedAt: null })
  })

  it('refuses anyone signed out with 401 and a bad filter with 400', async () => {
    expect((await http.call('GET', '/api/v1/notifications')).status).toBe(401)
    const { session } = await aVerifiedUser(world, 'buyer')
    const bad = await http.call('GET', '/api/v1/notifications?type=gossip', {
      token: session.accessToken,
    })
    expect(bad.status).toBe(400)
  })
})

describe('preferences over REST', () => {
  it('mutes a type in the app, and refuses to mute security naming it', async () => {
    const { session } = await aVerifiedUser(world, 'buyer')
    const token = session.accessToken
    const put = await http.call<{ preferences: NotificationPreferences }>(
      'PUT',
      '/api/v1/notifications/preferences',
      { token, body: { types: { order_update: { inApp: false }, refund: { email: false } } } },
    )
    expect(put.status).toBe(200)
    expect(put.body.preferences.order_update).toEqual({ inApp: false, email: true, mutable: true })
    const got = await http.call<{ preferences: NotificationPreferences }>(
      'GET',
      '/api/v1/notifications/preferences',
      { token },
    )
    expect(got.body.preferences.refund).toEqual({ inApp: true, email: false, mutable: true })
    const refused = await http.call<ErrorBody>('PUT', '/api/v1/notifications/preferences', {
      token,
      body: { types: { security: { inApp: false } } },
    })
    expect(refused.status).toBe(400)
    expect(refused.body.error.message).toBe('Notifications of type security cannot be muted')
    const unknown = await http.call('PUT', '/api/v1/notifications/preferences', {
      token,
      body: { types: { order_update: { sms: false } } },
    })
    expect(unknown.status).toBe(400)
  })
})

describe('the OpenAPI document', () => {
  it('describes the notification routes and the preferences body', async () => {
    const doc = await http.call<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/api/v1/openapi.json',
    )
    expect(doc.status).toBe(200)
    expect(Object.keys(doc.body.paths).filter((p) => p.includes('/notifications'))).toHaveLength(7)
    expect(doc.body.paths['/api/v1/notifications/preferences']).toHaveProperty('put')
  })
})
