import { blockIpBody } from '@kloset/core'
import { ipBlockBody, ipBlocksBody } from '../contract/ops.schemas.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: IP blocks'

export const adminIpBlockRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/ip-blocks',
    auth: ['admin'],
    tag,
    summary: 'The address and range blocks in force, newest first',
    response: ipBlocksBody,
    responses: { 200: '{ items }', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx }) => json(await core.ipBlocks.list(ctx)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/ip-blocks',
    auth: ['admin'],
    tag,
    summary: 'Block an IPv4/IPv6 address or CIDR range, with a reason and an optional expiry',
    body: blockIpBody,
    response: ipBlockBody,
    responses: {
      201: '{ block }',
      400: 'Not an address or range',
      403: 'Not an administrator',
      409: 'ip_already_blocked',
    },
    handler: async (_req, { core, ctx, input }) =>
      json({ block: await core.ipBlocks.block(ctx, input.body) }, 201),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/admin/ip-blocks/:id',
    auth: ['admin'],
    tag,
    summary: 'Lift a block, by its id (or its range, URL-encoded: 203.0.113.0%2F24)',
    response: ipBlockBody,
    responses: { 200: '{ block }', 403: 'Not an administrator', 404: 'ip_block_not_found' },
    handler: async (_req, { core, ctx, params }) =>
      json({ block: await core.ipBlocks.unblock(ctx, params.id!) }),
  }),
]
