import { beforeAll, describe, expect, it } from '@jest/globals'
import { testWorldForSuite } from '@kloset/core/testing'
import { createTestApi, type TestApi } from '../test-support/api-harness.js'

const SHOP = 'https://shop.example.com'
let http: TestApi
const world = testWorldForSuite()
beforeAll(async () => {
  world.core.config.cors = { allowedOrigins: [SHOP] }
  http = createTestApi(world)
})

describe('CORS', () => {
  it('answers an allowed origin’s preflight with the methods and headers it may use', async () => {
    const res = await http.call('OPTIONS', '/api/v1/checkout', {
      headers: { origin: SHOP, 'access-control-request-method': 'POST' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP)
    expect(res.headers.get('access-control-allow-headers')).toContain('idempotency-key')
  })

  it('refuses another origin’s preflight and gives its requests no CORS headers', async () => {
    const preflight = await http.call('OPTIONS', '/api/v1/products', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    })
    expect(preflight.status).toBe(403)
    const res = await http.call('GET', '/healthz', { headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('echoes an allowed origin on an answer, errors included', async () => {
    const res = await http.call('GET', '/api/v1/me', { headers: { origin: SHOP } })
    expect(res.status).toBe(401)
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP)
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id')
  })
})
