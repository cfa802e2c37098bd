import { listUsersQuery, optionalReasonBody, reasonBody } from '@kloset/core'
import { userBody, usersPage } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: users'
const admin = ['admin'] as const

export const adminUserRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/users',
    auth: admin,
    tag,
    summary: 'List users by role and status',
    query: listUsersQuery,
    response: usersPage,
    responses: { 200: '{ items, nextCursor }', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) => json(await core.users.list(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/users/:id',
    auth: admin,
    tag,
    summary: 'One user by id or email',
    response: userBody,
    responses: { 200: 'The user', 404: 'No such user' },
    handler: async (_req, { core, ctx, params }) =>
      json({ user: await core.users.get(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/users/:id/suspend',
    auth: admin,
    tag,
    summary: 'Suspend a user: sign-in and existing tokens stop working at once',
    body: reasonBody,
    response: userBody,
    responses: { 200: 'The suspended user', 409: 'Already suspended' },
    handler: async (_req, { core, ctx, params, input }) =>
      json({ user: await core.users.suspend(ctx, params.id!, input.body) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/users/:id/reinstate',
    auth: admin,
    tag,
    summary: 'Lift a suspension',
    body: optionalReasonBody,
    response: userBody,
    responses: { 200: 'The reinstated user', 409: 'Not suspended' },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        user: await core.users.reinstate(ctx, params.id!, input.body),
      }),
  }),
]
