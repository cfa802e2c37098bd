import { listAuditQuery } from '@kloset/core'
import { auditPage } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

export const adminAuditRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/audit',
    auth: ['admin'],
    tag: 'Admin: audit',
    summary: 'The audit log, newest first: filter by actor, action, target and since',
    query: listAuditQuery,
    response: auditPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid filter', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) => json(await core.audit.list(ctx, input.query)),
  }),
]
