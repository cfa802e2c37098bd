import { listOutboxQuery } from '@kloset/core'
import { outboxMailBody, outboxPage } from '../contract/ops.schemas.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: mail'

export const adminMailRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/mail/outbox',
    auth: ['admin'],
    tag,
    summary: 'Queued mail by status (default failed), newest first; never the bodies',
    query: listOutboxQuery,
    response: outboxPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid filter', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.mailOutbox.list(ctx, input.query)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/mail/outbox/:id/retry',
    auth: ['admin'],
    tag,
    summary: 'Queue a failed mail again (sent by the deliver-mail job within a minute)',
    response: outboxMailBody,
    responses: {
      200: '{ mail }',
      403: 'Not an administrator',
      404: 'mail_not_found',
      409: 'mail_not_failed',
    },
    handler: async (_req, { core, ctx, params }) =>
      json({ mail: await core.mailOutbox.retry(ctx, params.id!) }),
  }),
]
