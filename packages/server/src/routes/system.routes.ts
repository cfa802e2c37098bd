import { aliveBody, readinessBody } from '../contract/responses.js'
import { json, jsonBytes } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'System'
const ALIVE = JSON.stringify({ status: 'ok' })

export const systemRoutes = [
  route({
    method: 'GET',
    path: '/healthz',
    auth: 'public',
    tag,
    summary: 'Liveness: the process answers',
    response: aliveBody,
    responses: { 200: 'Alive' },
    handler: async () => jsonBytes(ALIVE, 200, { 'cache-control': 'no-store' }),
  }),
  route({
    method: 'GET',
    path: '/readyz',
    auth: 'public',
    tag,
    summary: 'Readiness: the database (and Redis, when configured) answer',
    response: { 200: readinessBody, 503: readinessBody },
    responses: { 200: 'Ready', 503: 'A dependency is down' },
    handler: async (_req, { core }) => {
      const readiness = await core.health.readiness()
      return json(
        {
          status: readiness.ready ? 'ready' : 'unavailable',
          engine: core.engine,
          checks: readiness.checks,
        },
        readiness.ready ? 200 : 503,
        { 'cache-control': 'no-store' },
      )
    },
  }),
]
