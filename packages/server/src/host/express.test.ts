import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestWorld, type TestWorld } from '@kloset/core/testing'
import { createApi } from '../api.js'
import { checkedRequest } from '../test-support/checked-supertest.js'
import { createHttpApp } from './express.js'

let world: TestWorld
let request: Awaited<ReturnType<typeof checkedRequest>>
beforeAll(async () => {
  world = await createTestWorld()
  const api = createApi(world.core, { maxRequestBytes: 64 * 1024 })
  request = await checkedRequest(createHttpApp(api), api)
})
afterAll(() => world.close())

describe('the Express host', () => {
  it('serves the API through the fetch bridge with security headers and no x-powered-by', async () => {
    const res = await request.get('/healthz').expect(200)
    expect(res.body).toEqual({ status: 'ok' })
    expect(res.headers['x-powered-by']).toBeUndefined()
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['strict-transport-security']).toBeDefined()
    expect(res.headers['x-request-id']).toMatch(/^[\w-]+$/)
  })

  it('reports readiness with the engine', async () => {
    const res = await request.get('/readyz').expect(200)
    expect(res.body).toMatchObject({ status: 'ready', checks: { database: { ok: true } } })
  })

  it('refuses a body over the limit with 413 before reading it', async () => {
    const res = await request
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(100 * 1024) }))
      .expect(413)
    expect(res.body.error.code).toBe('payload_too_large')
  })

  it('passes the client address to the API for rate limits', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      const res = await request
        .post('/api/v1/auth/login')
        .send({ email: 'nobody-at-all@example.test', password: 'wrong password here' })
      statuses.push(res.status)
    }
    expect(statuses.at(-1)).toBe(429)
  })

  it('serves the OpenAPI document covering every route', async () => {
    const res = await request.get('/api/v1/openapi.json').expect(200)
    expect(res.body.openapi).toBe('3.1.0')
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/admin/users/{id}']),
    )
    expect(
      res.body.paths['/api/v1/auth/signup'].post.requestBody.content['application/json'].schema
        .required,
    ).toEqual(expect.arrayContaining(['email', 'password', 'name', 'role']))
  })
})
