import { ticketBody } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

/** The WebSocket's companion over HTTP (docs/realtime.md). */
export const realtimeRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/realtime/tickets',
    auth: 'user',
    tag: 'Realtime',
    summary:
      'A single-use ticket for opening the WebSocket (`/ws?ticket=...`), valid 30 seconds; the socket lives as long as your access token',
    response: ticketBody,
    responses: { 201: '{ ticket, expiresAt }', 401: 'Not signed in' },
    handler: async (_req, { core, ctx, principal }) =>
      json(await core.realtime.issueTicket(ctx, principal!), 201),
  }),
]
