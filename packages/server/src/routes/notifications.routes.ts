import { listNotificationsQuery, updatePreferencesBody } from '@kloset/core'
import {
  notificationBody,
  notificationsPage,
  preferencesBody,
  readAllBody,
  seenBody,
  unreadCountBody,
} from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Notifications'
const notFound = 'No such notification of yours'

/** The signed-in user's inbox (docs/notifications.md). */
export const notificationRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/notifications',
    auth: 'user',
    tag,
    summary:
      'Your notifications, newest first; archived ones only with `archived=true`; filter `unread=true`, `type`',
    query: listNotificationsQuery,
    response: notificationsPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid filter or cursor' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.notifications.list(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/notifications/unread-count',
    auth: 'user',
    tag,
    summary: 'Unread, unarchived notifications, as of the inbox change counter `seq`',
    response: unreadCountBody,
    responses: { 200: '{ unreadCount, seq }' },
    handler: async (_req, { core, ctx }) => json(await core.notifications.unreadCount(ctx)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/notifications/read-all',
    auth: 'user',
    tag,
    summary: 'Mark every notification read',
    response: readAllBody,
    responses: { 200: '{ updated, unreadCount, seq }' },
    handler: async (_req, { core, ctx }) => json(await core.notifications.markAllRead(ctx)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/notifications/seen',
    auth: 'user',
    tag,
    summary: 'Mark every notification seen (the inbox was opened); read state does not change',
    response: seenBody,
    responses: { 200: '{ updated }' },
    handler: async (_req, { core, ctx }) => json(await core.notifications.markAllSeen(ctx)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/notifications/:id/read',
    auth: 'user',
    tag,
    summary: 'Mark one notification read (again: no change)',
    response: notificationBody,
    responses: { 200: '{ notification }', 404: notFound },
    handler: async (_req, { core, ctx, params }) =>
      json({ notification: await core.notifications.markRead(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/notifications/:id/archive',
    auth: 'user',
    tag,
    summary: 'Archive one notification: it leaves the list and the unread count',
    response: notificationBody,
    responses: { 200: '{ notification }', 404: notFound },
    handler: async (_req, { core, ctx, params }) =>
      json({ notification: await core.notifications.archive(ctx, params.id!) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/notifications/preferences',
    auth: 'user',
    tag,
    summary: 'Per type, whether the in-app inbox and email deliver it',
    response: preferencesBody,
    responses: { 200: '{ preferences }' },
    handler: async (_req, { core, ctx }) =>
      json({ preferences: await core.notifications.preferences(ctx) }),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/notifications/preferences',
    auth: 'user',
    tag,
    summary:
      'Mute (`false`) or unmute (`true`) types per channel; security and payment cannot be muted',
    body: updatePreferencesBody,
    response: preferencesBody,
    responses: {
      200: '{ preferences }',
      400: 'Unknown type or channel, or an unmutable type muted',
    },
    handler: async (_req, { core, ctx, input }) =>
      json({
        preferences: await core.notifications.updatePreferences(ctx, input.body),
      }),
  }),
]
